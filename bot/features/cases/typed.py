"""What people type instead of clicking: every case button has a typed equivalent.

    approve SMA-0001                      reject SMA-0001 because …
    request changes to SMA-0001: …        remind SMA-0001 (send the runners' request again)
    confirm SMA-0001                      withdraw SMA-0001 (or: cancel SMA-0001)
    show SMA-0001                         edit SMA-0001, continue Draft 3 (open the form)
    I have read and understood the policy (confirm)

Each becomes the same Action the button carries, plus any reason typed with it. A case is named
by its id as people write it ('SMA-0001', 'sma 1', 'case 1', '#1'), a draft as 'Draft 3'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.actions import Action, action
from bot.features.cases.ids import KIND

_ID = r"(?P<id>sma[-\s]?\d{1,6}|draft[-\s]?\d{1,6}|case\s+#?\d{1,6}|#\d{1,6})"
_REASON = r"(?:\s*(?:because|as|since|for|:|-|–|,)\s*(?P<reason>.+))?"
_COMMANDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (verb, re.compile(pattern, re.IGNORECASE | re.DOTALL))
    for verb, pattern in (
        ("approve", rf"^\W*(?:approve|accept)\s+(?:case\s+)?{_ID}\W*$"),
        ("reject", rf"^\W*(?:reject|decline|refuse)\s+(?:case\s+)?{_ID}{_REASON}$"),
        (
            "changes",
            rf"^\W*(?:request|ask\s+for)\s+changes?\s+(?:to|on|for|in)?\s*(?:case\s+)?{_ID}"
            + _REASON
            + "$",
        ),
        (
            "remind",
            rf"^\W*(?:remind|chase|nudge)\s+(?:the\s+)?(?:runners?\s+)?(?:of|for|on)?"
            rf"\s*(?:case\s+)?{_ID}\W*$",
        ),
        ("confirm", rf"^\W*(?:i\s+)?confirm(?:ed)?\s+(?:case\s+)?{_ID}\W*$"),
        ("withdraw", rf"^\W*(?:withdraw|cancel)\s+(?:case\s+)?{_ID}\W*$"),
        ("open", rf"^\W*(?:edit|continue|open|resume)\s+(?:case\s+)?{_ID}\W*$"),
        ("show", rf"^\W*(?:show|view)\s+(?:case\s+)?{_ID}\W*$"),
    )
)
READ_THE_POLICY = re.compile(
    r"^\W*(?:i\s+)?(?:have|'ve|ve)?\s*(?:now\s+)?(?:read\s+(?:and\s+understood\s+)?"
    r"(?:the\s+)?(?:social\s+media\s+)?policy|confirm(?:ed)?)\W*$",
    re.IGNORECASE,
)
"""'I have read and understood the policy', 'I've read the policy', 'confirm': a confirmation
that names no case (it is for whichever case waits for the person's confirmation)."""


@dataclass(frozen=True, slots=True)
class Typed:
    """A typed command: the action its button carries, and a reason typed with it."""

    action: Action
    reason: str = ""


def parse(text: str) -> Typed | None:
    """The case command this text types, or None when it is not one."""
    for verb, pattern in _COMMANDS:
        match = pattern.match(text.strip())
        if match:
            digits = re.sub(r"\D", "", match["id"])
            draft = match["id"].lower().startswith("draft")
            case_id = f"Draft {int(digits)}" if draft else digits
            reason = (match.groupdict().get("reason") or "").strip()
            return Typed(action(KIND, verb, case_id), reason)
    return None
