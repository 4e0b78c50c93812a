"""New runners confirm they have read and understood the policy, recorded in the audit trail
("runner confirmed" after their "runner added": see trail.py).

They confirm with the button, or by typing 'confirm @X' or 'I have read the policy for @X'; a
bare 'I have read the policy' confirms the accounts waiting for them, and when none waits it is
left to the annual reminder (business cases, tried first, do the same for a case).
"""

from __future__ import annotations

import logging

from bot.core.actions import action
from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.parts import HandoverParts
from bot.features.handover.trail import CONFIRMED, still_to_confirm, subject
from bot.features.handover.wording import KIND, label
from bot.model.directory import Person
from bot.model.records import Account

log = logging.getLogger(__name__)


def reading_request(actor: Person, account: Account, policy_url: str) -> Reply:
    """The message to a new runner, with a button and the words to type instead."""
    text = say.YOU_WERE_ADDED.format(
        actor=actor.name, account=label(account), url=policy_url, handle=account.handle
    )
    return Reply(text, choices=(action(KIND, "read", account.id).choice(say.READ_IT),))


class Confirming(HandoverParts):
    """Records a runner's confirmation that they have read and understood the policy."""

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

    async def typed(self, person: Person, handle: str) -> list[Reply] | None:
        """'confirm @X' or 'I have read the policy for @X'; a bare 'I have read the policy'
        ('' here) confirms every account waiting for the person, and is None when none is
        (the annual reminder may be what they mean)."""
        if handle:
            account = await self.register.find(handle)
            if account is None:
                return [Reply(say.NOT_REGISTERED.format(handle=handle))]
            return await self.confirm(person, account)
        waiting = [
            a
            for a in await self.register.all()
            if person.id in a.runners
            and still_to_confirm(await self.audit.history(subject(a)), person.id)
        ]
        return [r for a in waiting for r in await self.confirm(person, a)] or None
