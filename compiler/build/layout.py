"""The out folder's layout, which both the writer and spec discovery need to know."""

from __future__ import annotations

from ..targets import owners, record

MANIFEST = ".rolec-manifest.json"
"""Which files each role produced and from which spec (see writer.py)."""
GENERATED_FOLDERS = ("cloudformation", "terraform", "stacksets")
"""The folders of what deploys: they hold only what rolec writes (`check` names any other file in them)."""
OUTPUT_FOLDERS = (*GENERATED_FOLDERS, record.FOLDER, owners.FOLDER)
"""Every folder a build writes: with the records `diff` reads and the cross-account listings."""
