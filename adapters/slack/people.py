"""Slack users as directory people: by the Slack id the directory lists, else by their email."""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import error_code
from bot.model.directory import Directory, Person
from bot.model.directory_file import IdFormat, check_ids
from bot.model.ports import ReferenceStore

log = logging.getLogger(__name__)

PLATFORM = "slack"
"""The platform name learned Slack ids are stored under."""
SLACK_ID = IdFormat(
    "slack_id",
    re.compile(r"[UW][A-Z0-9]{2,}"),
    "a Slack user id (U or W, then capitals and digits: U0123ABCD)",
)
"""What a Slack member id in the trust directory looks like."""


class SlackPeople:
    """Slack users as directory people: by Slack id, else by the email Slack holds.

    A Slack id learned from an email is kept in the database, so every process can message that
    person, before and after a restart, without asking Slack again.
    """

    def __init__(
        self, directory: Directory, client: AsyncWebClient, references: ReferenceStore
    ) -> None:
        check_ids(directory, [SLACK_ID])
        self.directory = directory
        self.client = client
        self.references = references
        self._emails: dict[str, str | None] = {}
        """Slack user id -> the email Slack holds (None: none, or a deactivated account); the
        person is looked up in the directory each time, so an imported joiner or leaver counts
        at once."""
        self._learned: dict[str, str] = {}
        """Person id -> Slack user id, for people the directory lists by email only."""

    async def person(self, user_id: str) -> Person | None:
        """The directory person behind a Slack user, or None for someone not in the directory."""
        known = self.directory.by_slack_id(user_id)
        if known is not None:
            return known
        if user_id not in self._emails:
            self._emails[user_id] = await self._slack_email(user_id)
        email = self._emails[user_id]
        person = self.directory.by_email(email) if email else None
        if person is not None and person.slack_id is not None:
            # The directory names a different Slack account for this person: trust the directory.
            log.warning(
                "slack user %s has the email of %s, listed with another id", user_id, person.id
            )
            return None
        if person is not None and self._learned.get(person.id) != user_id:
            self._learned[person.id] = user_id
            await self.references.save_reference(person.id, PLATFORM, {"user": user_id})
            log.info("slack user %s mapped by email to %s", user_id, person.id)
        return person

    async def slack_id(self, person: Person) -> str | None:
        """The person's Slack user id, from the directory or learned from their email."""
        if person.slack_id or person.id in self._learned:
            return person.slack_id or self._learned[person.id]
        stored = await self.references.load_reference(person.id, PLATFORM)
        if stored is not None:
            self._learned[person.id] = str(stored["user"])
        return self._learned.get(person.id)

    async def _slack_email(self, user_id: str) -> str | None:
        """The email Slack holds for this user, None for a deactivated or unknown one."""
        try:
            user = (await self.client.users_info(user=user_id))["user"]
        except SlackApiError as exc:
            if error_code(exc) == "user_not_found":
                return None
            raise
        email = user.get("profile", {}).get("email")
        return str(email) if email and not user.get("deleted") else None
