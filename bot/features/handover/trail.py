"""What handover writes in an account's audit trail (subject `account:<id>`), and what it reads
back. Each event's detail names the runner it is about:

- "handover" {"runner", "runners"}: a runner handed the account over (the actor may be an admin);
- "replacement requested" {"headteacher"}: too few runners were left, the head was asked;
- "replacement put off" {}: a leader cancelled naming one while too few still run it;
- "runner added" {"runner"}: a leader added a runner;
- "runner confirmed" {"runner"}: that runner confirmed they have read and understood the policy.
"""

from __future__ import annotations

from bot.model.records import Account, AuditEvent

HANDOVER = "handover"
REQUESTED = "replacement requested"
PUT_OFF = "replacement put off"
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


def replacement_outstanding(events: list[AuditEvent]) -> bool:
    """Whether the head was asked to name a replacement and nobody has been added (or the
    request put off) since."""
    latest = next((e.action for e in reversed(events) if e.action in _REPLACEMENT), None)
    return latest == REQUESTED


_REPLACEMENT = frozenset({REQUESTED, PUT_OFF, ADDED})
