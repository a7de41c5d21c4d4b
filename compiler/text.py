"""Strings whose final value depends on where they are deployed.

A `Text` is a sequence of literal parts and pseudo parameters (partition, region,
account). Each target renders the pseudo parameters its own way, so one compiled
role deploys in any partition, region and account.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Union


class Pseudo(enum.Enum):
    PARTITION = "Partition"
    REGION = "Region"
    ACCOUNT = "AccountId"


Part = Union[str, Pseudo]


@dataclass(frozen=True)
class Text:
    parts: tuple[Part, ...]

    @classmethod
    def of(cls, *parts: Part) -> "Text":
        merged: list[Part] = []
        for part in parts:
            if part == "":
                continue
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return cls(tuple(merged))

    @property
    def pseudos(self) -> frozenset[Pseudo]:
        return frozenset(p for p in self.parts if isinstance(p, Pseudo))

    def render(self, pseudo: Callable[[Pseudo], str], literal: Callable[[str], str] = str) -> str:
        return "".join(pseudo(p) if isinstance(p, Pseudo) else literal(p) for p in self.parts)

    @property
    def key(self) -> str:
        """A stable, human-readable form, used for sorting and in messages."""
        return self.render(lambda p: "${" + p.value + "}")

    def __str__(self) -> str:
        return self.key


def arn(service: str, resource: str, *, region: bool = True, account: bool = True) -> Text:
    """An ARN in the deploying partition (and region and account, unless turned off)."""
    return Text.of(
        "arn:", Pseudo.PARTITION, f":{service}:",
        Pseudo.REGION if region else "", ":",
        Pseudo.ACCOUNT if account else "", ":", resource,
    )


def with_region(value: str) -> Text:
    """A name in which `{region}` stands for the deploying region (the one placeholder a spec may use)."""
    pieces = value.split("{region}")
    parts: list[Part] = [pieces[0]]
    for piece in pieces[1:]:
        parts.extend((Pseudo.REGION, piece))
    return Text.of(*parts)
