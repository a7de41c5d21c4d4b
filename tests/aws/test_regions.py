"""compiler/aws/regions.py is generated from botocore's endpoint data, and rolec never imports botocore."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from rolec.aws import regions

from ..conftest import ROOT

GENERATOR = ROOT / "scripts" / "generate_aws_regions.py"


def generator():
    spec = importlib.util.spec_from_file_location("generate_aws_regions", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_region_table_is_what_make_aws_regions_writes():
    script = generator()
    assert script.TARGET.read_text() == script.render(script.regions_by_partition()), \
        "compiler/aws/regions.py is stale: run `make aws-regions` and commit it"


def test_the_table_is_the_one_rolec_reads():
    table = generator().regions_by_partition()
    assert {partition: list(names) for partition, names in regions.REGIONS.items()} == table
    assert regions.LONGEST_REGION == max(sorted(regions.PARTITION_OF), key=len)


def test_building_never_imports_botocore():
    code = ("import sys, rolec.cli, rolec.build.pipeline, rolec.lower, rolec.passes, rolec.targets.record, "
            "rolec.spec.v1; assert 'botocore' not in sys.modules, 'botocore imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
