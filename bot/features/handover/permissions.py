"""Who may hand over or add a runner to which account."""

from __future__ import annotations

from bot.core.messages import Reply
from bot.features.handover import wording as say
from bot.features.handover.wording import Wording
from bot.model.directory import TRUST_WIDE_ROLES, Directory, Person
from bot.model.records import Account


class Permissions:
    """Runners hand over their own accounts; headteachers and trust staff act for others."""

    def __init__(self, directory: Directory, words: Wording) -> None:
        self.directory = directory
        self.words = words

    def acts_for_someone(self, actor: Person, account: Account | None) -> bool:
        """Trust admin, IT and HR staff, and the account's headteacher, act for others."""
        if actor.role in TRUST_WIDE_ROLES:
            return True
        academy = self.directory.academy(account.academy) if account else None
        return academy is not None and academy.headteacher == actor.id

    def acts_for_others(self, actor: Person) -> bool:
        """Whether the actor may hand over some account for someone else."""
        return actor.role in TRUST_WIDE_ROLES or any(
            a.headteacher == actor.id for a in self.directory.academies
        )

    def may_hand_over(self, actor: Person, runner: Person, account: Account) -> Reply | None:
        """None when the actor may hand over the runner's account, else the refusal."""
        if runner.id == actor.id or self.acts_for_someone(actor, account):
            return None
        return say.with_policy(say.ONLY_ADMINS)

    def may_add(self, actor: Person, account: Account) -> Reply | None:
        """None when the actor is on the academy's leadership team, else the refusal."""
        if self.directory.is_leader(actor.id, account.academy):
            return None
        academy = self.words.academy_name(account)
        return Reply(say.ONLY_LEADERS_ADD.format(academy=academy, handle=account.handle))
