"""What adapters hand the core and what the core hands back: plain data, no platform types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    numbered: bool = True
    """False when a typed number means something else here (a form step), so the choices are
    buttons and words only: the console does not number them and a typed number never picks
    one."""


def numbered_choices(replies: list[Reply]) -> list[Choice]:
    """The choices a typed number picks, numbered on across the replies, in order."""
    return [c for r in replies if r.numbered for c in r.choices]


def reply_to_json(reply: Reply) -> dict[str, Any]:
    """The reply as JSON-ready data; reply_from_json turns it back into an equal Reply."""
    quote = reply.quote
    return {
        "text": reply.text,
        "quote": None
        if quote is None
        else {
            "clause_id": quote.clause_id,
            "section": quote.section,
            "text": quote.text,
            "version": quote.version,
        },
        "choices": [{"label": choice.label, "value": choice.value} for choice in reply.choices],
        **({} if reply.numbered else {"numbered": False}),
    }


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    """The Reply that reply_to_json produced this data from."""
    quote = data.get("quote")
    return Reply(
        text=data["text"],
        quote=None
        if quote is None
        else Quote(
            clause_id=quote["clause_id"],
            section=quote["section"],
            text=quote["text"],
            version=quote["version"],
        ),
        choices=tuple(
            Choice(label=choice["label"], value=choice["value"])
            for choice in data.get("choices", ())
        ),
        numbered=data.get("numbered", True),
    )
