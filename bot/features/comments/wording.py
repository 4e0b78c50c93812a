"""What comment alerts say, and the Responded button they carry."""

from __future__ import annotations

from bot.core.messages import Choice, Reply
from bot.model.calendar import WorkingCalendar, when
from bot.model.directory import Directory
from bot.model.records import Account, Comment

RESPONDED = "comment:responded:"
"""The value of a comment's Responded button, before the comment id."""
KEEP_OPEN = "comment:keep:"
"""The value of "No" when asked whether to mark a comment responded, before the comment id."""
MINE = "comment:mine"
"""The value of a "My comments" choice: the comments waiting for the person."""
TYPED_RESPONDED = "responded to comment #{id}"
"""The typed equivalent of a comment's Responded button, as messages name it."""


def responded_choice(comment_id: int) -> Choice:
    """The button that closes the comment as answered."""
    return Choice("Responded", f"{RESPONDED}{comment_id}")


def how_to_respond(comment_id: int) -> str:
    """The line that names the Responded button and what to type instead."""
    typed = TYPED_RESPONDED.format(id=comment_id)
    return f"Tap Responded once it has been answered, or type '{typed}'."


def names(directory: Directory, ids: tuple[str, ...]) -> str:
    """The people's names, for messages."""
    people = [directory.person(i) for i in ids]
    return ", ".join(p.name for p in people if p) or "none registered"


def alert_reply(
    stage: str, c: Comment, account: Account, calendar: WorkingCalendar, directory: Directory
) -> Reply:
    """The alert for one stage: 'due-soon', 'overdue' or 'escalation'."""
    about = (
        f"the {account.platform} comment on {account.handle} received "
        f"{when(c.received_at, calendar)} (#{c.id})"
    )
    deadline = when(c.deadline, calendar)
    if stage == "due-soon":
        text = f"Reply due soon: {about} should be answered by {deadline}."
    elif stage == "overdue":
        text = f"Overdue: {about} was due an answer by {deadline}."
    else:
        text = (
            f"Still unanswered a working day after its deadline: {about}, due {deadline}. "
            f"Runners: {names(directory, account.runners)}."
        )
    text += f'\n"{c.summary}"\nThe policy asks for a reply within 24 hours. {how_to_respond(c.id)}'
    return Reply(text, choices=(responded_choice(c.id),))
