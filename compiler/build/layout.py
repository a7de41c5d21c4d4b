"""The out folder's layout, which both the writer and spec discovery need to know."""

from __future__ import annotations

MANIFEST = ".rolec-manifest.json"
"""Which files each role produced and from which spec (see writer.py)."""
GENERATED_FOLDERS = ("cloudformation", "terraform", "stacksets")
"""The folders that hold only what rolec writes."""
