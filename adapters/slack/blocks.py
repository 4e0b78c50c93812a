"""Slack rendering: the core's plain-text replies as Block Kit, and Slack's markup back to text.

Everything the core says is plain text, so all of it is escaped before Slack parses it as
mrkdwn: a reply containing `<!channel>` or `<@U123>` shows those characters and pings nobody.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from bot.core.messages import Reply

Block = dict[str, Any]

SECTION_LIMIT = 3000
"""Slack's maximum length of a section's text."""
BUTTON_LABEL_LIMIT = 75
BUTTONS_PER_BLOCK = 25
CHOICE_ACTION = re.compile(r"^choice-\d+$")
"""The action_id of every button rendered from a Choice."""

_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def escape(text: str) -> str:
    """Plain text made safe to show as mrkdwn: only &, < and > are special to Slack."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_text(mrkdwn: str, bot_user_id: str | None = None) -> str:
    """What a person typed, from Slack's markup: mentions of the bot dropped, links as text."""

    def unwrap(found: re.Match[str]) -> str:
        target, label = found.group(1), found.group(2)
        if bot_user_id and target == f"@{bot_user_id}":
            return ""
        return label or target.removeprefix("mailto:")

    return html.unescape(_MARKUP.sub(unwrap, mrkdwn)).strip()


def message(reply: Reply) -> dict[str, Any]:
    """chat.postMessage arguments for a reply: Block Kit blocks and the notification text."""
    blocks = sections(escape(reply.text))
    if reply.quote:
        q = reply.quote
        quoted = "\n".join(f">{line}" for line in escape(q.text).splitlines())
        blocks += sections(f"*{escape(q.section)}*\n{quoted}")
        blocks.append(
            context(f"Social Media Policy v{escape(q.version)} · clause {escape(q.clause_id)}")
        )
    buttons = [
        {
            "type": "button",
            "action_id": f"choice-{n}",
            "text": {"type": "plain_text", "text": _clip(c.label, BUTTON_LABEL_LIMIT)},
            "value": c.value,
        }
        for n, c in enumerate(reply.choices)
    ]
    for start in range(0, len(buttons), BUTTONS_PER_BLOCK):
        blocks.append(
            {
                "type": "actions",
                "block_id": f"choices-{start // BUTTONS_PER_BLOCK}",
                "elements": buttons[start : start + BUTTONS_PER_BLOCK],
            }
        )
    return {"text": escape(_clip(reply.text, SECTION_LIMIT)), "blocks": blocks}


def clicked(blocks: Sequence[Block], label: str) -> list[Block]:
    """The message's blocks with its buttons replaced by "✓ label", so no one clicks twice."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, context(f"✓ {escape(label)}")]


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    """A context block: small grey text under a message."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def sections(mrkdwn: str) -> list[Block]:
    """Section blocks of at most SECTION_LIMIT characters, split between lines or words."""
    parts: list[str] = []
    rest = mrkdwn
    while len(rest) > SECTION_LIMIT:
        cut = max(rest.rfind("\n", 0, SECTION_LIMIT), rest.rfind(" ", 0, SECTION_LIMIT))
        if cut <= 0:  # one unbroken word: cut before any entity (&amp;) it would split
            cut = rest.rfind("&", SECTION_LIMIT - 5, SECTION_LIMIT)
            cut = cut if cut > 0 else SECTION_LIMIT
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip()
    return [_section(p) for p in [*parts, rest] if p.strip()]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
