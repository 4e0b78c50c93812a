"""Slack rendering: the core's plain-text replies as Block Kit, and Slack's markup back to text.

Everything the core says is plain text, so all of it is escaped before Slack parses it as
mrkdwn: a reply containing `<!channel>` or `<@U123>` shows those characters and pings nobody.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from bot.core import HELP
from bot.directory import Directory, Person
from bot.messages import Reply

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
    blocks = _sections(escape(reply.text))
    if reply.quote:
        q = reply.quote
        quoted = "\n".join(f">{line}" for line in escape(q.text).splitlines())
        blocks += _sections(f"*{escape(q.section)}*\n{quoted}")
        blocks.append(
            _context(f"Social Media Policy v{escape(q.version)} · clause {escape(q.clause_id)}")
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
    return [*kept, _context(f"✓ {escape(label)}")]


def home_view(
    directory: Directory,
    person: Person | None,
    cases: Sequence[str] = (),
    waiting: Sequence[str] = (),
) -> Block:
    """The App Home tab: what the bot does, how to ask, the person's cases and, for a leader,
    the cases waiting for their decision (one line each)."""
    if person is None:
        return {"type": "home", "blocks": _sections(escape(stranger_text(directory)))}
    first_name = person.name.split()[0]
    how = (
        "*How to ask*\n"
        "• Message me here, in the Messages tab.\n"
        "• Mention me in a channel: I answer in a thread.\n"
        "• Type `/policy` and your question anywhere: only you see the answer.\n"
        "• `/policy new account` starts the business case for a new academy social media "
        "account."
    )
    listed = "\n".join(f"• {escape(c)}" for c in cases) or "You have no cases open."
    policy = f"<{directory.trust.policy_url}|Read the whole Social Media Policy>"
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "policybot"}},
            *_sections(f"Hello {escape(first_name)}! {escape(HELP)}"),
            *_sections(how),
            {"type": "divider"},
            *_sections(f"*Your cases*\n{listed}"),
            *(
                _sections(
                    "*Waiting for your decision*\n"
                    + "\n".join(f"• {escape(c)}" for c in waiting)
                    + "\nSay `my cases` in the Messages tab to approve, reject or ask for changes."
                )
                if waiting
                else []
            ),
            _context(f"{escape(directory.trust.name)} · {policy}"),
        ],
    }


def stranger_text(directory: Directory) -> str:
    """What a Slack user who is not in the trust directory is told."""
    hr = [p for p in directory.people if p.role == "hr"]
    ask = ", ".join(f"{p.name} ({p.email})" for p in hr) or "HR"
    return (
        f"Sorry, I only answer staff of {directory.trust.name}, and I can't find your Slack "
        f"account in the trust directory. Please ask {ask} to add your Slack account or your "
        "work email to it, then message me again."
    )


def _section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def _sections(mrkdwn: str) -> list[Block]:
    """Sections of at most SECTION_LIMIT characters, split between lines or words."""
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
