"""What every step of a handover works with: the directory, the outbox, the audit trail, the
register, the wording and the permission rules."""

from __future__ import annotations

from dataclasses import dataclass

from bot.features.handover.permissions import Permissions
from bot.features.handover.wording import Wording
from bot.model.directory import Directory
from bot.model.ports import AccountRegister, AuditTrail, Outbox

MIN_RUNNERS = 2
"""The business case asks for at least two staff to monitor and run an account."""


@dataclass
class HandoverParts:
    """The collaborators shared by handing over and adding runners."""

    directory: Directory
    outbox: Outbox
    audit: AuditTrail
    register: AccountRegister
    words: Wording
    may: Permissions
