"""The business case conversation: a new academy account proposed, checked, and decided.

The policy ("Process for creating new accounts") asks for a business case to the Academy
Leadership Team. This feature walks the requester through the form, sends the case to the
leadership team and the named runners through the outbox, and records every change.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.actions import Action
from bot.core.messages import Reply
from bot.features.cases import typed
from bot.features.cases import wording as say
from bot.features.cases.approvals import VERBS, Approvals
from bot.features.cases.drafting import KEY, Drafting, proposes_account
from bot.features.cases.form import Form
from bot.features.cases.ids import KIND
from bot.features.cases.queries import CaseQueries
from bot.features.cases.wording import Wording
from bot.model.directory import Directory
from bot.model.ports import CaseStore, CaseTransactions
from bot.model.records import Case

_START = re.compile(
    r"^\W*(?:/policy\s+)?(?:new\s+(?:academy\s+|social\s+media\s+|official\s+)?(?:account|case)"
    r"|(?:start|begin|open)\s+(?:a\s+)?(?:new\s+)?(?:business\s+)?case"
    r"|propose\s+(?:a\s+)?new\s+(?:academy\s+)?account|business\s+case)\W*$",
    re.IGNORECASE,
)
_MY_CASES = re.compile(
    r"^\W*(?:my|show|list)\s+(?:my\s+)?(?:business\s+)?cases?\W*$", re.IGNORECASE
)
_FORM_VERBS = frozenset({"answer", "runner", "nav"})


class BusinessCaseFeature:
    """The Feature (bot.core.bot) for business cases: routes to drafting and approvals."""

    def __init__(
        self,
        form: Form,
        directory: Directory,
        cases: CaseStore,
        transactions: CaseTransactions,
    ) -> None:
        self.words = Wording(form, directory)
        self.queries = CaseQueries(cases, directory)
        self.approvals = Approvals(directory, cases, transactions, self.words)
        self.drafting = Drafting(form, directory, cases, self.words, self.approvals)

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Form answers, decision reasons, typed commands, 'my cases' and new cases."""
        if self.approvals.is_waiting_for_reason(state):
            return await self.approvals.reason(sender, text, state)
        if self.drafting.is_open(state):
            return await self.drafting.answer(sender, text, state)
        command = typed.parse(text)
        if command is not None:
            return await self._act(sender, command.action, state, command.reason)
        if typed.READ_THE_POLICY.match(text):
            return await self._confirm_waiting(sender)
        if _MY_CASES.match(text):
            return await self._my_cases(sender)
        if _START.match(text) or proposes_account(text):
            return await self.drafting.start(sender, text, state)
        return None

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Buttons: start, answer, runner picks, submit, decisions, confirmations, resume."""
        if value == "resume":
            return await self.drafting.resume(state)
        act = Action.parse(value)
        if act.kind != KIND:
            return None
        return await self._act(sender, act, state)

    async def _act(
        self, sender: str, act: Action, state: dict[str, Any], reason: str = ""
    ) -> list[Reply] | None:
        if act.verb == "mine":
            return await self._my_cases(sender)
        if act.verb == "start":
            state.pop(KEY, None)
            return await self.drafting.start(sender, "", state)
        if act.verb in _FORM_VERBS:
            if not self.drafting.is_open(state):
                return [Reply(say.NOT_OPEN)]
            if act.verb == "runner":
                return await self.drafting.add_runner(sender, act.rest, state)
            return await self.drafting.answer(sender, act.rest, state) or []
        case = await self.queries.by_id(act.rest)
        if case is None:
            return [Reply(say.CASE_GONE)]
        return await self._on_case(sender, act.verb, case, state, reason)

    async def _on_case(
        self, sender: str, verb: str, case: Case, state: dict[str, Any], reason: str
    ) -> list[Reply] | None:
        if verb in VERBS:
            return await self.approvals.decide(sender, case, verb, state, reason)
        if verb == "confirm":
            return await self.approvals.confirm(sender, case)
        if verb == "remind":
            return await self.approvals.remind(sender, case)
        if verb == "withdraw":
            state.pop(KEY, None)
            return await self.approvals.withdraw(sender, case)
        if verb == "open":
            return await self.drafting.reopen(sender, case, state)
        if verb == "show":
            return [Reply(self.words.summary(case, heading=True))]
        return None

    async def _confirm_waiting(self, sender: str) -> list[Reply] | None:
        """'I have read the policy': confirm the one case waiting for it, or ask which; None
        when no case waits for the person (the annual reminder may be what they mean)."""
        waiting = await self.queries.to_confirm(sender)
        if len(waiting) == 1:
            return await self.approvals.confirm(sender, waiting[0])
        if not waiting:
            return None
        return [Reply(say.WHICH_CONFIRM), *(self.words.confirm_request(c, sender) for c in waiting)]

    async def _my_cases(self, sender: str) -> list[Reply]:
        # Whatever waits for the person comes back with its buttons: the first request may be
        # long scrolled away.
        waiting = await self.queries.awaiting_decision(sender)
        to_confirm = await self.queries.to_confirm(sender)
        return self.words.my_cases(sender, await self.queries.mine(sender), waiting, to_confirm)
