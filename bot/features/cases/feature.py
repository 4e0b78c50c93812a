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
from bot.features.cases import wording as say
from bot.features.cases.approvals import VERBS, Approvals
from bot.features.cases.drafting import KEY, Drafting
from bot.features.cases.form import Form
from bot.features.cases.ids import KIND
from bot.features.cases.queries import CaseQueries
from bot.features.cases.wording import Wording
from bot.model.directory import Directory
from bot.model.ports import AccountRegister, AuditTrail, CaseStore, Outbox
from bot.model.records import Case

_START = re.compile(
    r"^\W*(?:/policy\s+)?(?:new\s+(?:academy\s+|social\s+media\s+|official\s+)?(?:account|case)"
    r"|(?:start|begin|open)\s+(?:a\s+)?(?:new\s+)?(?:business\s+)?case"
    r"|propose\s+(?:a\s+)?new\s+(?:academy\s+)?account|business\s+case)\W*$",
    re.IGNORECASE,
)
_WANT = re.compile(
    r"\b(?:i|we)\s*(?:'d|would)?\s*(?:want|wanna|like|need|plan|am planning|are planning"
    r"|'m planning)\s+(?:to\s+)?(?:set\s*up|create|start|open|launch|make)\b"
    r"[^?]*\b(?:account|page|channel|profile)\b",
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
        outbox: Outbox,
        audit: AuditTrail,
        register: AccountRegister,
    ) -> None:
        self.words = Wording(form, directory)
        self.queries = CaseQueries(cases, directory)
        self.approvals = Approvals(directory, cases, outbox, audit, register, self.words)
        self.drafting = Drafting(form, directory, cases, audit, self.words, self.approvals)

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Form answers, decision reasons, 'my cases' and requests to start a case."""
        if self.approvals.is_waiting_for_reason(state):
            return await self.approvals.reason(sender, text, state)
        if self.drafting.is_open(state):
            return await self.drafting.answer(sender, text, state)
        if _MY_CASES.match(text):
            return await self._my_cases(sender)
        if _START.match(text) or _WANT.search(text):
            return await self.drafting.start(sender, text, state)
        return None

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Buttons: start, answer, runner picks, submit, decisions, confirmations, resume."""
        if value == "resume":
            return await self.drafting.resume(state)
        act = Action.parse(value)
        if act.kind != KIND:
            return None
        if act.verb == "mine":
            return await self._my_cases(sender)
        if act.verb == "start":
            state.pop(KEY, None)
            return await self.drafting.start(sender, "", state)
        if act.verb in _FORM_VERBS and self.drafting.is_open(state):
            if act.verb == "runner":
                return await self.drafting.add_runner(sender, act.rest, state)
            return await self.drafting.answer(sender, act.rest, state)
        case = await self.queries.by_id(act.rest)
        if case is None:
            return [Reply(say.CASE_GONE)]
        return await self._on_case(sender, act.verb, case, state)

    async def _on_case(
        self, sender: str, verb: str, case: Case, state: dict[str, Any]
    ) -> list[Reply] | None:
        if verb in VERBS:
            return await self.approvals.decide(sender, case, verb, state)
        if verb == "confirm":
            return await self.approvals.confirm(sender, case)
        if verb == "open":
            return await self.drafting.reopen(sender, case, state)
        if verb == "show":
            return [Reply(self.words.summary(case, heading=True))]
        return None

    async def _my_cases(self, sender: str) -> list[Reply]:
        # A leader's waiting cases come with their buttons again: the first request may be
        # long scrolled away.
        waiting = await self.queries.awaiting_decision(sender)
        return self.words.my_cases(await self.queries.mine(sender), waiting)
