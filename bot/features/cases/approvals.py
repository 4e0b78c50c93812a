"""After the form: submission, the runners' confirmations, the leaders' decision, withdrawal.

Every change of a case is one transaction (`CaseTransactions`): its status, its audit entry and
every message it causes are kept together or not at all, so a process killed mid-way leaves the
case as it was or fully changed, never "submitted" with half its messages.

A leader who rejects or asks for changes without a reason is asked for one in their next
message; until then the conversation state holds `{"n": case number, "action": "reject" |
"changes"}` under DECIDING.
"""

from __future__ import annotations

from typing import Any

from bot.core.messages import Reply
from bot.core.sanitise import clean
from bot.features.cases import wording as say
from bot.features.cases.ids import account_id
from bot.features.cases.wording import Wording
from bot.model.directory import Directory
from bot.model.ports import CaseStore, CaseTransactions, CaseWork
from bot.model.records import Account, Case

DECIDING = "case_decision"
"""Where a decision waiting for its reason is kept in the conversation state."""
VERBS = frozenset({"approve", "reject", "changes"})
"""The decision buttons' verbs."""
EDITABLE = frozenset({"draft", "changes_requested"})
"""The statuses in which the requester may change the answers."""
FINAL = frozenset({"approved", "rejected", "cancelled"})
"""The statuses a case never leaves."""


class Approvals:
    """Sends a case for decision and confirmation, then records what comes back."""

    def __init__(
        self,
        directory: Directory,
        cases: CaseStore,
        transactions: CaseTransactions,
        words: Wording,
    ) -> None:
        self.directory = directory
        self.cases = cases
        self.transactions = transactions
        self.words = words

    @staticmethod
    def is_waiting_for_reason(state: dict[str, Any]) -> bool:
        """Whether the person's next message is the reason for a decision."""
        return DECIDING in state

    async def submit(self, sender: str, case: Case) -> list[Reply]:
        """Send a complete case to its leadership team and ask the runners to confirm."""
        async with self.transactions.begin() as work:
            if not await work.cases.move(case.number, set(EDITABLE), "submitted"):
                return [Reply(say.ALREADY_SUBMITTED.format(case=case.id))]
            case = await _get(work, case.number)
            await _queue_submission(work, self.words, self.directory, sender, case)
        leaders = self.directory.leadership_of(case.academy or "")
        academy = self.directory.academy(case.academy or "")
        text = self.words.submitted(case, academy, leaders)
        if sender in case.runners and sender not in case.confirmations:
            return [Reply(text), self.words.confirm_request(case, sender)]
        return [Reply(text)]

    async def repair(self) -> int:
        """Queue what a submission left unqueued (a crash before every change was one
        transaction); returns how many submitted cases needed it. Safe to run any time."""
        repaired = 0
        for case in await self.cases.all():
            if case.status != "submitted":
                continue
            async with self.transactions.begin() as work:
                actions = [e.action for e in await work.audit.history(f"case:{case.id}")]
                last = next((a for a in reversed(actions) if a in _ROUND_ENDS), None)
                if last != "submitted":
                    await _queue_submission(work, self.words, self.directory, case.requester, case)
                    repaired += 1
        return repaired

    async def confirm(self, sender: str, case: Case) -> list[Reply]:
        """A runner confirms reading the policy; the last one brings the case back to leaders."""
        if sender not in case.runners:
            return [Reply(say.ONLY_RUNNERS_CONFIRM.format(case=case.id))]
        if case.status in FINAL:
            status = say.STATUS_WORDS[case.status]
            return [Reply(say.ALREADY_FINAL.format(case=case.id, status=status))]
        async with self.transactions.begin() as work:
            if not await work.cases.confirm(case.number, sender):
                return [Reply(say.ALREADY_CONFIRMED.format(case=case.id))]
            await work.audit.record(f"case:{case.id}", sender, "runner confirmed")
            case = await _get(work, case.number)
            if case.status == "submitted" and not self.pending(case):
                for leader in self.directory.leadership_of(case.academy or ""):
                    await work.outbox.enqueue(
                        f"case:{case.number}:all-confirmed:{leader.id}",
                        leader.id,
                        self.words.decision_request(case, say.ALL_CONFIRMED),
                    )
        return [Reply(say.CONFIRMED.format(case=case.id))]

    async def remind(self, sender: str, case: Case) -> list[Reply]:
        """Send the confirmation request again to the runners who have not confirmed."""
        academy = case.academy or ""
        if sender != case.requester and not self.directory.is_leader(sender, academy):
            return [Reply(say.ONLY_LEADERS_REMIND.format(case=case.id))]
        waiting = self.pending(case)
        if case.status in FINAL or not waiting:
            return [Reply(say.NOBODY_TO_REMIND.format(case=case.id))]
        subject = f"case:{case.id}"
        async with self.transactions.begin() as work:
            await work.audit.record(subject, sender, "reminded runners")
            n = sum(e.action == "reminded runners" for e in await work.audit.history(subject))
            for runner in waiting:
                await work.outbox.enqueue(
                    f"case:{case.number}:remind{n}:{runner}",
                    runner,
                    self.words.confirm_request(case, runner),
                )
        return [Reply(say.REMINDED.format(case=case.id, names=self.words.names(waiting)))]

    @staticmethod
    def pending(case: Case) -> list[str]:
        """The runners who have not confirmed reading the policy."""
        return [r for r in case.runners if r not in case.confirmations]

    async def decide(
        self, sender: str, case: Case, verb: str, state: dict[str, Any], reason: str = ""
    ) -> list[Reply]:
        """A leader approves, rejects or requests changes; the last two need a reason, which
        is asked for when it did not come with the decision."""
        academy = self.directory.academy(case.academy or "")
        if academy is None or not self.directory.is_leader(sender, academy.id):
            where = academy.name if academy else "that academy"
            return [Reply(say.ONLY_LEADERS_OF.format(where=where, case=case.id))]
        if case.status != "submitted":
            return [Reply(self.words.already(case))]
        if verb == "approve":
            waiting = self.pending(case)
            if waiting:
                return [self.words.not_confirmed_yet(case, waiting)]
            return await self._record_decision(sender, case, "approved", None)
        if reason:
            return await self._with_reason(sender, case, verb, reason)
        state[DECIDING] = {"n": case.number, "action": verb}
        return [Reply(self.words.ask_reason(case, verb))]

    async def reason(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply]:
        """The leader's reason for rejecting or asking for changes (or 'cancel')."""
        if text.strip().lower() == "cancel":
            state.pop(DECIDING)
            return [Reply(say.DECISION_CANCELLED)]
        if not _fits(clean(text)):
            return [Reply(say.REASON_LENGTH)]
        pending = state.pop(DECIDING)
        case = await self.cases.get(pending["n"])
        if case is None:
            return [Reply(say.CASE_GONE)]
        return await self.decide(sender, case, pending["action"], state, text)

    async def withdraw(self, sender: str, case: Case) -> list[Reply]:
        """The requester cancels the case: a draft quietly; a sent one with its leaders told."""
        if sender != case.requester:
            requester = self.words.name(case.requester)
            return [Reply(say.ONLY_REQUESTER_WITHDRAWS.format(requester=requester, case=case.id))]
        if case.status in FINAL:
            status = say.STATUS_WORDS[case.status]
            return [Reply(say.CANNOT_WITHDRAW.format(case=case.id, status=status))]
        subject = f"case:{case.id}"
        async with self.transactions.begin() as work:
            if not await work.cases.move(case.number, {case.status}, "cancelled"):
                return [Reply(say.CASE_GONE)]
            if case.status == "draft":
                await work.audit.record(subject, sender, "cancelled")
                return [Reply(say.CANCELLED.format(case=case.id))]
            await work.audit.record(subject, sender, "withdrawn")
            told = self.directory.leadership_of(case.academy or "")
            for person_id in dict.fromkeys([*(p.id for p in told), *case.runners]):
                if person_id != sender:
                    await work.outbox.enqueue(
                        f"case:{case.number}:withdrawn:{person_id}",
                        person_id,
                        Reply(self.words.withdrawn(case)),
                    )
        return [Reply(say.WITHDRAWN.format(case=case.id))]

    async def _with_reason(self, sender: str, case: Case, verb: str, text: str) -> list[Reply]:
        note = clean(text)
        if not _fits(note):
            return [Reply(say.REASON_LENGTH)]
        if verb == "reject":
            return await self._record_decision(sender, case, "rejected", note)
        return await self._request_changes(sender, case, note)

    async def _request_changes(self, sender: str, case: Case, note: str) -> list[Reply]:
        subject = f"case:{case.id}"
        async with self.transactions.begin() as work:
            if not await work.cases.move(case.number, {"submitted"}, "changes_requested"):
                return [Reply(self.words.already(await _get(work, case.number)))]
            await work.audit.record(subject, sender, "changes requested", {"comment": note})
            asked = say.CHANGES_ASKED.format(who=self.words.name(sender), case=case.id, note=note)
            await work.outbox.enqueue(
                f"case:{case.number}:changes:{len(await work.audit.history(subject))}",
                case.requester,
                Reply(asked, choices=(say.continue_choice(case, "Edit"),)),
            )
        requester = self.words.name(case.requester)
        return [Reply(say.COMMENTS_SENT.format(case=case.id, requester=requester))]

    async def _record_decision(
        self, sender: str, case: Case, status: str, note: str | None
    ) -> list[Reply]:
        async with self.transactions.begin() as work:
            if not await work.cases.decide(case.number, status, sender, note):
                return [Reply(self.words.already(await _get(work, case.number)))]
            detail = {"reason": note} if note else {}
            await work.audit.record(f"case:{case.id}", sender, status, detail)
            case = await _get(work, case.number)
            if status == "approved":
                account = _account(case)
                await work.register.add(account)
                await work.audit.record(
                    f"account:{account.id}", sender, "registered", {"case": case.id}
                )
            message = self.words.decided(case, status, note, sender)
            for person in dict.fromkeys([case.requester, *case.runners]):
                await work.outbox.enqueue(
                    f"case:{case.number}:decision:{person}", person, Reply(message)
                )
        return [Reply(say.RECORDED.format(case=case.id, status=status))]


_ROUND_ENDS = frozenset({"submitted", "changes requested"})
"""Audit actions that open and close a round of decision: a submission, a request for changes."""


async def _queue_submission(
    work: CaseWork, words: Wording, directory: Directory, sender: str, case: Case
) -> None:
    """The submission's audit entry, the leaders' decision requests, the runners' requests.

    Keys carry the round (r1, r2 …), so a resubmitted case asks again whoever has not
    confirmed, and queueing the same round twice (a repair) adds nothing.
    """
    subject = f"case:{case.id}"
    await work.audit.record(subject, sender, "submitted")
    revision = sum(e.action == "submitted" for e in await work.audit.history(subject))
    for leader in directory.leadership_of(case.academy or ""):
        await work.outbox.enqueue(
            f"case:{case.number}:r{revision}:decide:{leader.id}",
            leader.id,
            words.decision_request(case, say.NEW_CASE),
        )
    for runner in Approvals.pending(case):
        if runner != sender:
            await work.outbox.enqueue(
                f"case:{case.number}:r{revision}:confirm:{runner}",
                runner,
                words.confirm_request(case, runner),
            )


def _fits(reason: str) -> bool:
    """Whether a decision's reason is long enough to mean something and short enough to read."""
    return 3 <= len(reason) <= 1000


async def _get(work: CaseWork, number: int) -> Case:
    case = await work.cases.get(number)
    assert case is not None
    return case


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
