"""The form's state machine: start, resume, answer, go back, review, submit and reopen a draft.

The open form lives in the person's conversation state under KEY as
`{"n": case number, "step": step id or "review", "review": bool, "runners": [ids so far]}`;
`review` means an edited step returns to the review rather than to the next step.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from bot.core.actions import action
from bot.core.messages import Reply
from bot.core.sanitise import clean
from bot.features.cases import wording as say
from bot.features.cases.approvals import DECIDING, EDITABLE, Approvals
from bot.features.cases.form import (
    Checked,
    Form,
    Step,
    check_choice,
    check_emails,
    check_runners,
    check_text,
)
from bot.features.cases.ids import KIND
from bot.features.cases.wording import Wording
from bot.model.directory import Directory, Person
from bot.model.ports import CaseStore
from bot.model.records import Case

KEY = "case"
"""Where the open form is kept in the conversation state."""
_PAUSE = frozenset({"pause", "later", "stop"})
_SUBMIT = frozenset({"submit", "send", "yes"})


class Drafting:
    """Walks the requester through the form, saving the draft after every step."""

    def __init__(
        self,
        form: Form,
        directory: Directory,
        cases: CaseStore,
        words: Wording,
        approvals: Approvals,
    ) -> None:
        self.form = form
        self.directory = directory
        self.cases = cases
        self.words = words
        self.approvals = approvals

    @staticmethod
    def is_open(state: dict[str, Any]) -> bool:
        """Whether the person is in the middle of a form."""
        return KEY in state

    async def start(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply]:
        """A new draft, with the academy and any platform named in `text` already filled in."""
        person = self.directory.person(sender)
        if person is None:
            return [Reply(say.NOT_IN_DIRECTORY)]
        academy = person.academy if person.academy else None
        answers: dict[str, Any] = {}
        if academy:
            answers["academy"] = academy
        noted = ""
        platform = self._platform_in(text)
        if platform:
            answers["platform"] = platform
            noted = say.NOTED_PLATFORM.format(platform=platform)
        purpose = _FOR_WHOM.search(text)
        if purpose:
            noted += say.NOTED_FOR.format(purpose=clean(purpose["whom"]))
        async with self.approvals.transactions.begin() as work:
            case = await work.cases.create(sender, academy)
            await work.cases.save_answers(case.number, academy, answers)
            await work.audit.record(f"case:{case.id}", sender, "started")
        state[KEY] = {"n": case.number, "step": self._next_unanswered(answers), "review": False}
        intro = say.INTRO.format(case=case.id, noted=noted)
        return [Reply(intro), await self._prompt(state)]

    async def resume(self, state: dict[str, Any]) -> list[Reply] | None:
        """Welcome the person back to the form they left open; None when there is none."""
        if KEY not in state:
            return None
        case = await self.cases.get(state[KEY]["n"])
        if case is None or case.status not in EDITABLE:
            state.pop(KEY, None)
            return None
        return [Reply(say.WELCOME_BACK.format(case=case.id)), await self._prompt(state)]

    async def reopen(self, sender: str, case: Case, state: dict[str, Any]) -> list[Reply]:
        """Open the requester's draft (or a case sent back for changes) at its first gap."""
        if sender != case.requester:
            requester = self.words.name(case.requester)
            return [Reply(say.ONLY_REQUESTER_EDITS.format(requester=requester, case=case.id))]
        if case.status not in EDITABLE:
            status = say.STATUS_WORDS[case.status]
            return [Reply(say.NOT_EDITABLE.format(case=case.id, status=status))]
        state.pop(DECIDING, None)
        state[KEY] = {
            "n": case.number,
            "step": self._next_unanswered(case.answers),
            "review": False,
        }
        return [await self._prompt(state)]

    async def answer(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Take what the person typed (or clicked) at the current step; None when they clearly
        asked something else (the bot answers it, then offers the step again)."""
        flow = state[KEY]
        case = await self.cases.get(flow["n"])
        person = self.directory.person(sender)
        if case is None or person is None or case.status not in EDITABLE:
            state.pop(KEY, None)
            return [Reply(say.NOT_OPEN)]
        navigated = await self._navigate(sender, case, text.strip().lower(), state)
        if navigated is not None:
            return navigated
        if flow["step"] == "review":
            return await self._review_command(sender, case, text, state)
        step = self.form.step(flow["step"])
        if asks_something_else(step, text):
            return None
        checked = self._check(step, clean(text), case, person, flow)
        if step.kind == "people" and checked.value is not None:
            flow["runners"] = checked.value
        if checked.error:
            found = self.words.names(flow.get("runners", [])) if step.kind == "people" else ""
            so_far = say.SO_FAR.format(names=found) if found else ""
            return [
                Reply(checked.error + so_far, choices=checked.suggestions),
                await self._prompt(state, repeat=True),
            ]
        answers = {**case.answers, step.id: checked.value}
        flow.pop("runners", None)
        await self.cases.save_answers(case.number, answers.get("academy"), answers)
        flow["step"] = "review" if flow["review"] else self._next_unanswered(answers, step.id)
        replies = [Reply(checked.note)] if checked.note else []
        return [*replies, await self._prompt(state)]

    async def add_runner(self, sender: str, person_id: str, state: dict[str, Any]) -> list[Reply]:
        """A suggested runner was picked: add them to those named so far and check again."""
        flow = state[KEY]
        if flow["step"] != "runners" or self.directory.person(person_id) is None:
            return [await self._prompt(state)]
        chosen = [*flow.get("runners", [])]
        if person_id not in chosen:
            chosen.append(person_id)
        flow["runners"] = chosen
        return await self.answer(sender, ",", state) or []

    async def _navigate(
        self, sender: str, case: Case, command: str, state: dict[str, Any]
    ) -> list[Reply] | None:
        """Cancel, pause, help and back, at any step; None for an answer."""
        if command == "cancel":
            state.pop(KEY, None)
            return await self.approvals.withdraw(sender, case)
        if command in _PAUSE:
            state.pop(KEY, None)
            return [Reply(say.SAVED.format(case=case.id), choices=(say.continue_choice(case),))]
        if command == "help":
            step = self._current(state[KEY])
            return [Reply(step.help if step else say.SUBMIT_HELP), await self._prompt(state)]
        if command == "back":
            return [await self._back(state)]
        return None

    async def _review_command(
        self, sender: str, case: Case, text: str, state: dict[str, Any]
    ) -> list[Reply]:
        command = text.strip().lower()
        if command in _SUBMIT:
            return await self._submit(sender, case, state)
        ref = re.sub(r"^(?:edit|change)\s+", "", command)
        step = self.form.find(ref)
        if step is None:
            return [Reply(say.WHICH_STEP), await self._prompt(state)]
        state[KEY].update(step=step.id, review=True)
        return [await self._prompt(state)]

    async def _submit(self, sender: str, case: Case, state: dict[str, Any]) -> list[Reply]:
        missing = [s.title for s in self.form.steps if s.id not in case.answers]
        if missing:
            still = say.STILL_TO_ANSWER.format(titles=", ".join(missing))
            return [Reply(still), await self._prompt(state)]
        state.pop(KEY, None)
        return await self.approvals.submit(sender, case)

    def _check(
        self, step: Step, text: str, case: Case, person: Person, flow: dict[str, Any]
    ) -> Checked:
        if step.kind == "academy":
            return self._academy_in(text)
        if step.kind == "choice":
            return check_choice(step, text)
        if step.kind == "emails":
            return check_emails(step, text)
        if step.kind == "people":
            academy = case.answers.get("academy") or ""
            return check_runners(text, self.directory, academy, person, flow.get("runners", []))
        return check_text(step, text)

    def _current(self, flow: dict[str, Any]) -> Step | None:
        return None if flow["step"] == "review" else self.form.step(flow["step"])

    def _next_unanswered(self, answers: dict[str, Any], after: str | None = None) -> str:
        start = self.form.number(after) if after else 0
        for step in self.form.steps[start:]:
            if step.id not in answers:
                return step.id
        return "review"

    async def _back(self, state: dict[str, Any]) -> Reply:
        flow = state[KEY]
        flow.pop("runners", None)
        if flow["step"] == "review":
            flow["step"] = self.form.steps[-1].id
        else:
            before = self.form.before(flow["step"])
            if before is not None:
                flow["step"] = before.id
        flow["review"] = False
        return await self._prompt(state)

    async def _prompt(self, state: dict[str, Any], repeat: bool = False) -> Reply:
        flow = state[KEY]
        case = await self.cases.get(flow["n"])
        assert case is not None
        if flow["step"] == "review":
            return self.words.review(case)
        return self.words.step_prompt(case, self.form.step(flow["step"]), repeat)

    def _academy_in(self, text: str) -> Checked:
        """The academy meant by a number, id or name, however typed ('st marys'); else the
        closest names as choices."""
        t = _plain(text)
        academies = self.directory.academies
        for n, a in enumerate(academies, 1):
            name = _plain(a.name)
            if t in (str(n), a.id, name) or (len(t) >= 4 and t in name):
                return Checked(a.id)
        # Typed names are usually the start of the full one: compare with that much of it.
        score = {
            a.id: difflib.SequenceMatcher(None, t, _plain(a.name)[: len(t) + 2]).ratio()
            for a in academies
        }
        close = sorted((a for a in academies if score[a.id] >= 0.6), key=lambda a: -score[a.id])
        return Checked(
            error=say.PICK_ACADEMY.format(names=", ".join(a.name for a in academies)),
            suggestions=tuple(action(KIND, "answer", a.id).choice(a.name) for a in close[:3]),
        )

    def _platform_in(self, text: str) -> str | None:
        step = self.form.step("platform")
        words = re.findall(r"[a-z]+", text.lower())
        found = {check_choice(step, w).value for w in words if len(w) > 1} - {None}
        return str(found.pop()) if len(found) == 1 else None


_QUESTION = re.compile(
    r"^\W*(?:can|could|may|should|must|am|is|are|do|does|what|how|why|when|where|who|which)"
    r"\b[^?]*\?\W*$",
    re.IGNORECASE,
)
_FOR_WHOM = re.compile(
    r"\bfor\s+(?P<whom>(?:the\s+|our\s+|my\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?:department|dept|class|team|club|pta|year\s+\d+|form|house|choir|library|sixth\s+form"
    r"|nursery|faculty)(?:\s+(?:class|team|group|club|department))?)\b",
    re.IGNORECASE,
)
_PROPOSES = re.compile(
    r"\b(?:(?:i|we)\s*(?:'d|would)?\s*(?:want|wanna|like|need|plan|am\s+planning"
    r"|are\s+planning|'m\s+planning)\s+(?:to\s+)?(?:set\s*up|create|start|open|launch|make)"
    r"|(?:can|could|may)\s+(?:i|we)\s+(?:set\s*up|create|start|open|launch|make|have)"
    r"|^\W*(?:a\s+)?new)\b"
    r"[^?]*?\b(?:account|page|channel|profile)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(?:personal|private|own|fake|anonymous|second|secret)\b", re.I)


def proposes_account(text: str) -> bool:
    """'new facebook account for the year 6 class', 'can we set up a facebook page for the
    PTA', 'I want to start an instagram for the history department': an official account
    proposed. A personal or private account is a question about the policy, not a case."""
    return bool(_PROPOSES.search(text)) and not _PERSONAL.search(text)


def asks_something_else(step: Step, text: str) -> bool:
    """Whether a line typed at a step is a question rather than an answer ('can I post
    photos of pupils?'), so the bot answers it and offers the step again. A line at a choice,
    academy, people or emails step can't be both; a free-text step takes it as an answer
    unless it is clearly a question."""
    return bool(_QUESTION.match(text.strip())) and step.id not in ("aim", "audience")


def _plain(text: str) -> str:
    """Lower case, apostrophes and full stops gone, 'saint' as 'st', spaces single."""
    t = re.sub(r"['’.]", "", text.lower())
    t = re.sub(r"\bsaint\b", "st", t)
    return " ".join(t.split())
