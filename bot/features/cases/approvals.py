"""After submission: the leadership team's decision, the runners' confirmations, the register.

A leader who rejects or asks for changes is asked for a reason in their next message; until
then the conversation state holds `{"n": case number, "action": "reject" | "changes"}` under
DECIDING.
"""

from __future__ import annotations

from typing import Any

from bot.core.messages import Reply
from bot.core.sanitise import clean
from bot.features.cases import wording as say
from bot.features.cases.ids import account_id
from bot.features.cases.wording import Wording
from bot.model.directory import Directory
from bot.model.ports import AccountRegister, AuditTrail, CaseStore, Outbox
from bot.model.records import Account, Case

DECIDING = "case_decision"
"""Where a decision waiting for its reason is kept in the conversation state."""
VERBS = frozenset({"approve", "reject", "changes"})
"""The decision buttons' verbs."""
FINAL = frozenset({"approved", "rejected", "cancelled"})
"""The statuses a case never leaves."""


class Approvals:
    """Sends a submitted case for decision and confirmation, then records what comes back."""

    def __init__(
        self,
        directory: Directory,
        cases: CaseStore,
        outbox: Outbox,
        audit: AuditTrail,
        register: AccountRegister,
        words: Wording,
    ) -> None:
        self.directory = directory
        self.cases = cases
        self.outbox = outbox
        self.audit = audit
        self.register = register
        self.words = words

    @staticmethod
    def is_waiting_for_reason(state: dict[str, Any]) -> bool:
        """Whether the person's next message is the reason for a decision."""
        return DECIDING in state

    async def submitted(self, sender: str, case: Case) -> list[Reply]:
        """Ask the leadership team to decide and the named runners to confirm."""
        subject = f"case:{case.id}"
        await self.audit.record(subject, sender, "submitted")
        revision = sum(e.action == "submitted" for e in await self.audit.history(subject))
        case = await self._fresh(case)
        leaders = self.directory.leadership_of(case.academy or "")
        for leader in leaders:
            await self.outbox.enqueue(
                f"case:{case.number}:r{revision}:decide:{leader.id}",
                leader.id,
                self.words.decision_request(case, say.NEW_CASE),
            )
        for runner in case.runners:
            if runner != sender and runner not in case.confirmations:
                await self.outbox.enqueue(
                    f"case:{case.number}:confirm:{runner}",
                    runner,
                    self.words.confirm_request(case, runner),
                )
        academy = self.directory.academy(case.academy or "")
        text = self.words.submitted(case, academy, leaders)
        if sender in case.runners and sender not in case.confirmations:
            return [Reply(text), self.words.confirm_request(case, sender)]
        return [Reply(text)]

    async def confirm(self, sender: str, case: Case) -> list[Reply]:
        """A runner confirms reading the policy; the last one brings the case back to leaders."""
        if sender not in case.runners:
            return [Reply(say.ONLY_RUNNERS_CONFIRM.format(case=case.id))]
        if case.status in FINAL:
            status = say.STATUS_WORDS[case.status]
            return [Reply(say.ALREADY_FINAL.format(case=case.id, status=status))]
        if not await self.cases.confirm(case.number, sender):
            return [Reply(say.ALREADY_CONFIRMED)]
        await self.audit.record(f"case:{case.id}", sender, "runner confirmed")
        case = await self._fresh(case)
        if case.status == "submitted" and all(r in case.confirmations for r in case.runners):
            for leader in self.directory.leadership_of(case.academy or ""):
                await self.outbox.enqueue(
                    f"case:{case.number}:all-confirmed:{leader.id}",
                    leader.id,
                    self.words.decision_request(case, say.ALL_CONFIRMED),
                )
        return [Reply(say.CONFIRMED.format(case=case.id))]

    async def decide(
        self, sender: str, case: Case, verb: str, state: dict[str, Any]
    ) -> list[Reply]:
        """A leader clicked approve, reject or request changes; the last two ask for a reason."""
        academy = self.directory.academy(case.academy or "")
        if academy is None or not self.directory.is_leader(sender, academy.id):
            where = academy.name if academy else "that academy"
            return [Reply(say.ONLY_LEADERS_OF.format(where=where, case=case.id))]
        if case.status != "submitted":
            return [Reply(self.words.already(case))]
        if verb == "approve":
            waiting = [r for r in case.runners if r not in case.confirmations]
            if waiting:
                return [Reply(self.words.not_confirmed_yet(case, waiting))]
            return await self._record_decision(sender, case, "approved", None)
        state[DECIDING] = {"n": case.number, "action": verb}
        return [Reply(self.words.ask_reason(case, verb))]

    async def reason(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply]:
        """The leader's reason for rejecting or asking for changes (or 'cancel')."""
        pending = state[DECIDING]
        if text.strip().lower() == "cancel":
            state.pop(DECIDING)
            return [Reply(say.DECISION_CANCELLED)]
        note = clean(text)
        if len(note) < 3 or len(note) > 1000:
            return [Reply(say.REASON_LENGTH)]
        state.pop(DECIDING)
        case = await self.cases.get(pending["n"])
        if case is None:
            return [Reply(say.CASE_GONE)]
        if not self.directory.is_leader(sender, case.academy or ""):
            return [Reply(say.ONLY_LEADERS.format(case=case.id))]
        if pending["action"] == "reject":
            return await self._record_decision(sender, case, "rejected", note)
        return await self._request_changes(sender, case, note)

    async def _request_changes(self, sender: str, case: Case, note: str) -> list[Reply]:
        if not await self.cases.move(case.number, {"submitted"}, "changes_requested"):
            return [Reply(self.words.already(await self._fresh(case)))]
        subject = f"case:{case.id}"
        await self.audit.record(subject, sender, "changes requested", {"comment": note})
        asked = say.CHANGES_ASKED.format(who=self.words.name(sender), case=case.id, note=note)
        await self.outbox.enqueue(
            f"case:{case.number}:changes:{len(await self.audit.history(subject))}",
            case.requester,
            Reply(asked, choices=(say.continue_choice(case, "Edit"),)),
        )
        requester = self.words.name(case.requester)
        return [Reply(say.COMMENTS_SENT.format(case=case.id, requester=requester))]

    async def _record_decision(
        self, sender: str, case: Case, status: str, note: str | None
    ) -> list[Reply]:
        if not await self.cases.decide(case.number, status, sender, note):
            return [Reply(self.words.already(await self._fresh(case)))]
        await self.audit.record(f"case:{case.id}", sender, status, {"reason": note} if note else {})
        case = await self._fresh(case)
        if status == "approved":
            account = _account(case)
            await self.register.add(account)
            await self.audit.record(
                f"account:{account.id}", sender, "registered", {"case": case.id}
            )
        message = self.words.decided(case, status, note, sender)
        for person in dict.fromkeys([case.requester, *case.runners]):
            await self.outbox.enqueue(
                f"case:{case.number}:decision:{person}", person, Reply(message)
            )
        return [Reply(say.RECORDED.format(case=case.id, status=status))]

    async def _fresh(self, case: Case) -> Case:
        fresh = await self.cases.get(case.number)
        assert fresh is not None
        return fresh


def _account(case: Case) -> Account:
    """The register entry an approved case creates."""
    a = case.answers
    academy = case.academy or ""
    return Account(
        id=account_id(academy, a["platform"], a["handle"]),
        academy=academy,
        platform=a["platform"],
        handle=a["handle"],
        runners=tuple(case.runners),
        visibility="open" if a["visibility"] == "Open" else "private",
        emails=tuple(a["emails"]["addresses"]),
        comments_restricted=a["comments"].startswith("Yes"),
        case_number=case.number,
        active=True,
    )
