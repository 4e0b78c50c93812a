"""Delivering the outbox: each due message goes to the first platform that reaches its person,
or, when it has an address (an answer in a channel thread), to the platform of the address."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.model.directory import Directory, Person
from bot.model.ports import DeliveryQueue, Sender
from bot.model.records import Address, DeliveryError

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
"""How long a claimed message is reserved for the process sending it (OUTBOX_LEASE_SECONDS)."""


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    failed: int = 0
    found: int = 0
    """Messages an earlier, unfinished attempt had delivered: recorded as sent, not resent."""


async def deliver_due(
    queue: DeliveryQueue,
    directory: Directory,
    senders: Sequence[Sender],
    now: datetime,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Send every message due at `now`; a failure is recorded on its row and retried later.

    A message whose earlier attempt may have reached the person (its sender died, or failed
    after posting) is first looked for on the platform, so it is never shown twice.
    """
    sent = failed = found = 0
    for item in await queue.claim_due(now, lease, limit):
        person = directory.person(item.recipient)
        try:
            if person is None:
                raise DeliveryError(f"{item.recipient!r} is not in the trust directory")
            sender = await _sender_for(senders, person, item.address)
            delivered = item.maybe_sent and await sender.already_delivered(
                person, item.key, item.created_at, item.address
            )
            if not delivered:
                await sender.send(person, item.reply, item.key, item.address)
        except DeliveryError as exc:
            failed += 1
            log.warning("outbox %s (%s) not delivered: %s", item.id, item.key, exc.reason)
            await queue.mark_failed(item.id, exc.reason)
        else:
            await queue.mark_sent(item.id)
            if delivered:
                found += 1
                log.info("outbox %s (%s) was already delivered; not sent again", item.id, item.key)
            else:
                sent += 1
                log.info("outbox %s (%s) delivered by %s", item.id, item.key, sender.name)
    return DeliveryReport(sent, failed, found)


async def _sender_for(senders: Sequence[Sender], person: Person, address: Address | None) -> Sender:
    """The platform of the address, or the first that knows how to reach the person (in the
    configured order); DeliveryError when there is none."""
    if address is not None:
        platform = address.get("platform")
        for sender in senders:
            if sender.name == platform:
                return sender
        raise DeliveryError(f"{platform} is not configured, and this message is for {platform}")
    for sender in senders:
        if await sender.reaches(person):
            return sender
    names = ", ".join(s.name for s in senders) or "none configured"
    raise DeliveryError(
        f"no platform reaches {person.id} (platforms: {names}); add their "
        "slack_id or teams_id to the trust directory"
    )
