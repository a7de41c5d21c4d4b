"""Output for people: colour only on a terminal (and never with NO_COLOR), and the -q/-v level."""

from __future__ import annotations

import os
import sys

import click

QUIET, NORMAL, VERBOSE = 0, 1, 2
_SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "informational": "cyan"}


def colour(err: bool = False) -> bool:
    """True when the stream is a terminal and NO_COLOR (https://no-color.org) is unset or empty."""
    stream = sys.stderr if err else sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def level() -> int:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    return (root.obj or {}).get("verbosity", NORMAL) if root else NORMAL


def info(message: str) -> None:
    """A normal message on stdout; -q silences it."""
    if level() >= NORMAL:
        click.echo(message)


def detail(message: str) -> None:
    """A -v message on stderr, so it never mixes with machine-readable stdout."""
    if level() >= VERBOSE:
        click.echo(click.style(message, dim=True), err=True, color=colour(err=True))


def diagnostic(text: str, severity: str = "error") -> None:
    """One `file:line:col: severity: message` line on stderr; the severity is coloured on a terminal."""
    marker = f": {severity}: "
    if marker in text and colour(err=True):
        head, tail = text.split(marker, 1)
        text = f"{click.style(head, bold=True)}: {click.style(severity, fg=_SEVERITY_COLOURS.get(severity), bold=True)}: {tail}"
    click.echo(text, err=True, color=colour(err=True))


def failure(message: str) -> None:
    """A `rolec: ...` line on stderr (never silenced)."""
    if colour(err=True):
        message = click.style(message, fg="red")
    click.echo(message, err=True, color=colour(err=True))
