"""The shipped datasets are exactly what `make aws-data` makes from the pinned sources (no hand edits)."""

from rolec.iam import datagen


def test_generator_reproduces_the_shipped_files():
    for name, content in datagen.render().items():
        assert (datagen.DATA / name).read_bytes() == content, f"{name}: run `make aws-data` and commit the result"
