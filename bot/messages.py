"""What adapters hand the core and what the core hands back: plain data, no platform types."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Message:
    """One thing a person said or clicked, already translated from the platform."""

    sender: str
    """Directory person id of whoever sent it."""
    text: str = ""
    value: str | None = None
    """The value of a choice or button the person picked, when they clicked rather than typed."""


@dataclass(frozen=True, slots=True)
class Choice:
    """An option shown as a button on platforms that have them, numbered on the console."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A policy clause shown verbatim, for adapters that render it as a block quote."""

    clause_id: str
    section: str
    text: str
    version: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message back to a person: text, an optional quoted clause, optional choices."""

    text: str
    quote: Quote | None = None
    choices: tuple[Choice, ...] = field(default_factory=tuple)
