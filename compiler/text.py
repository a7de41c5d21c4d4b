"""Strings whose final value depends on where they are deployed.

A `Text` is a sequence of literal parts, pseudo parameters (partition, region,
account) and per-region lookups (a value AWS publishes for each region, such as the
account that hosts the GuardDuty agent image). Each target renders the pseudo
parameters and lookups its own way, so one compiled role deploys in any partition,
region and account.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Union


class Pseudo(enum.Enum):
    PARTITION = "Partition"
    REGION = "Region"
    ACCOUNT = "AccountId"


@dataclass(frozen=True)
class Lookup:
    """The value `table` holds for the deploying region; a region missing from the table fails at deploy time.

    `name` names the value in the outputs (a CloudFormation Fn::Sub variable and Mappings entry, a
    Terraform local); `table` is (region, value) pairs, sorted by region; `missing` is the message a
    deployment in another region stops with."""

    name: str
    table: tuple[tuple[str, str], ...]
    missing: str

    @property
    def value(self) -> str:
        return self.name

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(region for region, _ in self.table)

    def get(self, region: str) -> str | None:
        return dict(self.table).get(region)

    def sized(self, region: str) -> str:
        """The value for `region`, or else the table's longest: what policy sizes and linters measure."""
        return self.get(region) or max((v for _, v in self.table), key=len)


Part = Union[str, Pseudo, Lookup]


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

    @property
    def lookups(self) -> tuple[Lookup, ...]:
        return tuple(dict.fromkeys(p for p in self.parts if isinstance(p, Lookup)))

    @property
    def deployed(self) -> bool:
        """Whether the value depends on the deployment (a pseudo parameter or a lookup)."""
        return any(not isinstance(p, str) for p in self.parts)

    def render(self, pseudo: Callable[[Union[Pseudo, Lookup]], str], literal: Callable[[str], str] = str) -> str:
        """`pseudo` renders each pseudo parameter and lookup, `literal` each literal part."""
        return "".join(literal(p) if isinstance(p, str) else pseudo(p) for p in self.parts)

    def resolved(self, values: dict[Pseudo, str]) -> str:
        """The text for one deployment; a lookup takes the region's value (or, outside its table, the
        longest value: what sizes and linters measure)."""
        return self.render(lambda p: values[p] if isinstance(p, Pseudo) else p.sized(values[Pseudo.REGION]))

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
