"""New runners confirm they have read and understood the policy, recorded in the audit trail.

When a runner is added to an account, the audit trail of `account:<id>` gets "runner added"
({"runner": id}); their confirmation adds "runner confirmed" ({"runner": id}) by them. A runner
whose latest "runner added" has no later "runner confirmed" is still to confirm.
"""

from __future__ import annotations

import logging

from bot.core.actions import action
from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.parts import HandoverParts
from bot.features.handover.wording import KIND, label
from bot.model.directory import Person
from bot.model.records import Account, AuditEvent, handle_key

log = logging.getLogger(__name__)

ADDED = "runner added"
CONFIRMED = "runner confirmed"


def subject(account: Account) -> str:
    """The audit trail subject of an account."""
    return f"account:{account.id}"


def still_to_confirm(events: list[AuditEvent], person_id: str) -> bool:
    """Whether the person was added as a runner and has not confirmed since."""
    waiting = False
    for event in events:
        if event.detail.get("runner") == person_id and event.action in (ADDED, CONFIRMED):
            waiting = event.action == ADDED
    return waiting


class Confirming(HandoverParts):
    """Asks a new runner to confirm, and records their confirmation."""

    def request(self, actor: Person, account: Account) -> Reply:
        """The message to a new runner, with a button and the words to type instead."""
        text = say.YOU_WERE_ADDED.format(
            actor=actor.name,
            account=label(account),
            url=self.directory.trust.policy_url,
            handle=account.handle,
        )
        return Reply(text, choices=(action(KIND, "read", account.id).choice(say.READ_IT),))

    async def confirm(self, person: Person, account: Account | None) -> list[Reply]:
        """Record that a runner of the account has read and understood the policy."""
        if account is None:
            return [Reply(say.GONE)]
        if person.id not in account.runners:
            return [Reply(say.NOT_A_RUNNER.format(handle=account.handle))]
        if not still_to_confirm(await self.audit.history(subject(account)), person.id):
            return [Reply(say.ALREADY_CONFIRMED.format(handle=account.handle))]
        await self.audit.record(subject(account), person.id, CONFIRMED, {"runner": person.id})
        log.info("runner confirmed account=%s runner=%s", account.id, person.id)
        return [Reply(say.CONFIRMED_READING.format(handle=account.handle))]

    async def typed(self, person: Person, handle: str) -> list[Reply]:
        """'confirm @X' for one account; 'I have read the policy' ('' here) for every account
        waiting for the person's confirmation."""
        accounts = [a for a in await self.register.all() if a.active]
        if handle:
            key = handle_key(handle)
            named = next((a for a in accounts if key in (a.id, handle_key(a.handle))), None)
            if named is None:
                return [Reply(say.NOT_REGISTERED.format(handle=handle))]
            return await self.confirm(person, named)
        waiting = [
            a
            for a in accounts
            if person.id in a.runners
            and still_to_confirm(await self.audit.history(subject(a)), person.id)
        ]
        if not waiting:
            return [Reply(say.NOTHING_TO_CONFIRM)]
        return [reply for a in waiting for reply in await self.confirm(person, a)]
