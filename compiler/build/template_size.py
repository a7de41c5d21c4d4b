"""CloudFormation takes a template inline (`aws cloudformation deploy --template-file`, CreateStack's
TemplateBody) only up to 51,200 bytes; a larger one must be uploaded to S3 first. A role that spills
into managed policies can pass that size and still be a good role, so this is a warning, never a refusal."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic
from ..aws.cloudformation import MAX_TEMPLATE_BODY_BYTES
from .discover import display
from .index import StoredFiles
from .pipeline import Built


def large_templates(out_dir: Path, compiled: list[Built]) -> list[Diagnostic]:
    """A warning for each CloudFormation output over the inline limit, naming its size and the way to deploy it."""
    warnings = []
    for item in compiled:
        sizes = item.files.sizes if isinstance(item.files, StoredFiles) else None  # known without reading the texts
        for path in sorted(item.files):
            if not path.endswith(".yaml"):
                continue
            size = sizes[path] if sizes is not None else len(item.files[path].encode())
            if size > MAX_TEMPLATE_BODY_BYTES:
                warnings.append(Diagnostic(display(out_dir / path), 0, 0, (
                    f"the template is {size:,} bytes, over the {MAX_TEMPLATE_BODY_BYTES:,} bytes CloudFormation accepts "
                    "inline; deploy it through S3: aws cloudformation deploy --s3-bucket BUCKET --template-file "
                    f"{display(out_dir / path)} … (see docs/spec-files.md)"), "warning"))
    return warnings
