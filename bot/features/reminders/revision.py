"""A new version of the policy: staff asked to re-read it, with what changed.

It goes through the annual reminder's flow: the same "I have read the policy" button and
confirmations, kept per academy under a round number of their own (the publication day,
YYYYMMDD, which no year can be), and the headteacher's summary two weeks later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.messages import Choice, Reply

FIRST_ROUND = 10_000
"""Confirmation rounds from here up are policy revisions; below are the annual reminder's years."""


@dataclass(frozen=True, slots=True)
class PolicyRevision:
    """A published version of the policy."""

    version: str
    date: str
    published_at: datetime
    summary: str = ""
    """What changed, a line a change, for the message to staff."""

    @property
    def round(self) -> int:
        """The confirmation round: the publication day as YYYYMMDD."""
        return int(self.published_at.strftime("%Y%m%d"))

    @property
    def label(self) -> str:
        """'v2.2 (01/2027)'."""
        return f"v{self.version} ({self.date})"


def staff_message(revision: PolicyRevision, academy: str, url: str, button: Choice) -> Reply:
    """What each member of staff gets when a new version is published."""
    changed = f"\nWhat changed:\n{revision.summary}" if revision.summary else ""
    return Reply(
        f"The Trust has published a new version of the Social Media Policy, "
        f"{revision.label}, and asks every member of staff at {academy} to read it again: "
        f"{url}{changed}\nWhen you have read it, tap '{button.label}'.",
        choices=(button,),
    )


def summary_message(
    revision: PolicyRevision, academy: str, confirmed: int, staff: int, missing: list[str]
) -> Reply:
    """The headteacher's summary two weeks after a new version was published."""
    text = (
        f"New Social Media Policy {revision.label}, {academy}: {confirmed} of {staff} staff have "
        "confirmed they read it."
    )
    text += f"\nNot yet confirmed: {', '.join(missing)}." if missing else " Everyone has."
    return Reply(text)


def is_revision(round_: int) -> bool:
    """True for a revision's confirmation round, False for an annual reminder's year."""
    return round_ >= FIRST_ROUND
