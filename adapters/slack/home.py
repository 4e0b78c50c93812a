"""The App Home tab: what the bot does, how to ask, and the person's business cases."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from adapters.replies import not_in_directory
from adapters.slack.blocks import Block, context, escape, sections
from adapters.slack.people import SlackPeople
from bot.core.wording import HELP
from bot.features.cases.wording import one_line
from bot.model.directory import Directory, Person
from bot.model.records import Case

log = logging.getLogger(__name__)

ACCOUNT = "Slack account"
"""What Slack calls the account someone the directory lacks should have added."""


class HomeCases(Protocol):
    """The business cases the Home tab lists (bot.features.cases.queries.CaseQueries)."""

    async def mine(self, person_id: str) -> list[Case]:
        """The person's own cases that are not cancelled, newest first."""
        ...

    async def awaiting_decision(self, person_id: str) -> list[Case]:
        """Cases waiting for the person's decision as a leader, oldest first."""
        ...


class HomeTab:
    """Publishes the Home tab of whoever opens it (views.publish)."""

    def __init__(
        self,
        client: AsyncWebClient,
        people: SlackPeople,
        directory: Directory,
        cases: HomeCases | None = None,
    ) -> None:
        self.client = client
        self.people = people
        self.directory = directory
        self.cases = cases

    async def publish(self, user_id: str) -> None:
        """Show the Slack user their Home tab, with their cases when they are in the directory."""
        person = await self.people.person(user_id)
        mine: list[str] = []
        waiting: list[str] = []
        if person is not None and self.cases is not None:
            mine = [one_line(c) for c in await self.cases.mine(person.id)]
            waiting = [one_line(c) for c in await self.cases.awaiting_decision(person.id)]
        view = home_view(self.directory, person, mine, waiting)
        await self.client.views_publish(user_id=user_id, view=view)
        log.info("slack: home tab published for %s", person.id if person else user_id)


def home_view(
    directory: Directory,
    person: Person | None,
    cases: Sequence[str] = (),
    waiting: Sequence[str] = (),
) -> Block:
    """The App Home tab: what the bot does, how to ask, the person's cases and, for a leader,
    the cases waiting for their decision (one line each)."""
    if person is None:
        stranger = not_in_directory(directory, ACCOUNT).text
        return {"type": "home", "blocks": sections(escape(stranger))}
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
            *sections(f"Hello {escape(first_name)}! {escape(HELP)}"),
            *sections(how),
            {"type": "divider"},
            *sections(f"*Your cases*\n{listed}"),
            *(
                sections(
                    "*Waiting for your decision*\n"
                    + "\n".join(f"• {escape(c)}" for c in waiting)
                    + "\nSay `my cases` in the Messages tab to approve, reject or ask for changes."
                )
                if waiting
                else []
            ),
            context(f"{escape(directory.trust.name)} · {policy}"),
        ],
    }
