"""Adaptive Cards for Teams: a core Reply as a card, with every core text shown as plain text."""

from __future__ import annotations

import re
from typing import Any

from bot.core.messages import Reply

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.4"
"""The newest card version every Teams client (desktop, web, mobile) renders."""
CHOICE_KEY = "choice"
"""The Action.Submit data key that carries the core Choice.value."""

# TextBlock text is Markdown (bold, italic, lists, links) plus {{DATE()}} templates; a
# backslash before any ASCII punctuation shows it literally (CommonMark), so typed text
# can't become a link, emphasis or a list, and '<at>' can't look like a mention.
_INLINE = re.compile(r"([\\`*_~\[\](){}<>#|!])")
_BULLET = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)\.", re.MULTILINE)


def plain(text: str) -> str:
    """Text escaped so an Adaptive Card TextBlock shows it exactly, with no Markdown."""
    escaped = _INLINE.sub(r"\\\1", text)
    # A line starting "- ", "+ ", "1. " or "===" would become a list or a heading.
    return _NUMBERED.sub(r"\1\\.", _BULLET.sub(r"\1\\\2", escaped))


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": plain(text), "wrap": True, **style}


def _paragraphs(text: str) -> list[dict[str, Any]]:
    """One TextBlock per line: Markdown would join single newlines into one paragraph."""
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.split("\n"):
        if not line.strip():
            gap = True
            continue
        spacing = "Medium" if gap else ("None" if blocks else "Default")
        blocks.append(_text(line, spacing=spacing))
        gap = False
    return blocks


def reply_card(reply: Reply, picked: str | None = None) -> dict[str, Any]:
    """The reply as a card: text, the quoted clause, and a button per choice.

    With `picked` (who chose what, e.g. "Ann Smith chose: Helpful") the card is shown as
    already answered: that line replaces the buttons, so it can't be acted on twice.
    """
    body = _paragraphs(reply.text)
    if reply.quote:
        q = reply.quote
        body.append(
            {
                "type": "Container",
                "style": "emphasis",
                "items": [
                    _text(q.section, weight="Bolder"),
                    *_paragraphs(q.text),
                    _text(
                        f"Social Media Policy v{q.version}, clause {q.clause_id}",
                        isSubtle=True,
                        size="Small",
                    ),
                ],
            }
        )
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }
    if picked is not None:
        body.append(_text(f"✓ {picked}", isSubtle=True, spacing="Medium"))
    elif reply.choices:
        card["actions"] = [
            {"type": "Action.Submit", "title": c.label, "data": {CHOICE_KEY: c.value}}
            for c in reply.choices
        ]
    return card


def submitted_choice(value: Any) -> str | None:
    """The choice value from a clicked Action.Submit's data, or None if it carries none."""
    if isinstance(value, dict):
        choice = value.get(CHOICE_KEY)
        if isinstance(choice, str) and choice:
            return choice
    return None
