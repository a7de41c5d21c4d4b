"""The parts of an ARN that AWS defines: partitions, region and account id shapes."""

from __future__ import annotations

from .regions import REGIONS

PARTITIONS: tuple[str, ...] = tuple(REGIONS)
"""Every partition, in the order of the region table (aws first)."""
REGION_RE = r"[a-z]{2}(?:-[a-z]+)+-\d{1,2}"
"""The shape of a region name in an ARN (the region table lists the regions that exist today)."""
ACCOUNT_RE = r"\d{12}"
"""An AWS account id: twelve digits."""
