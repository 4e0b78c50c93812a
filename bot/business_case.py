"""The business case conversation: a new academy account proposed, checked, and decided.

The policy ("Process for creating new accounts") asks for a business case to the Academy
Leadership Team. This feature walks the requester through the form, sends the case to the
leadership team and the named runners through the outbox, and records every change.
"""

from __future__ import annotations

import re
from typing import Any

from bot.case_form import (
    Checked,
    Form,
    Step,
    check_choice,
    check_emails,
    check_runners,
    check_text,
)
from bot.cases import case_number
from bot.directory import Directory, Person
from bot.messages import Choice, Reply
from bot.ports import Account, AccountRegister, AuditTrail, Case, CaseStore, Outbox
from bot.register import account_id
from bot.sanitise import clean, looks_like_secret

KEY = "case"
DECIDING = "case_decision"
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
_NAV = {"back", "cancel", "help", "pause", "later", "stop", "submit"}
NAV_HINT = "(type 'back', 'help', 'pause' or 'cancel' at any step)"
SECRET_REFUSED = (
    "That looks like a password or an access code, so I have not saved it anywhere. Never "
    "share credentials in chat: give them to the Trust IT Team directly{it}. Please answer "
    "again without it."
)
STATUS_WORDS = {
    "draft": "draft",
    "submitted": "waiting for a decision",
    "changes_requested": "changes requested",
    "approved": "approved",
    "rejected": "rejected",
    "cancelled": "cancelled",
}


class BusinessCaseFeature:
    """The Feature (bot.core) for business cases: the form, decisions and confirmations."""

    def __init__(
        self,
        form: Form,
        directory: Directory,
        cases: CaseStore,
        outbox: Outbox,
        audit: AuditTrail,
        register: AccountRegister,
    ) -> None:
        self.form = form
        self.directory = directory
        self.cases = cases
        self.outbox = outbox
        self.audit = audit
        self.register = register

    # Feature protocol

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Form answers, decision reasons, 'my cases' and requests to start a case."""
        if DECIDING in state:
            return await self._decision_note(sender, text, state)
        if KEY in state:
            return await self._answer(sender, text, state)
        if _MY_CASES.match(text):
            return await self._my_cases(sender)
        if _START.match(text) or _WANT.search(text):
            return await self._start(sender, text, state)
        return None

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Buttons: start, answer, runner picks, submit, decisions, confirmations, resume."""
        if value == "resume":
            return await self._resume(sender, state)
        kind, _, rest = value.partition(":")
        if kind != "case":
            return None
        action, _, arg = rest.partition(":")
        if action == "mine":
            return await self._my_cases(sender)
        if action == "start":
            state.pop(KEY, None)
            return await self._start(sender, "", state)
        if action in ("answer", "runner", "nav") and KEY in state:
            if action == "runner":
                return await self._add_runner(sender, arg, state)
            return await self._answer(sender, arg, state)
        number = case_number(arg)
        case = await self.cases.get(number) if number else None
        if case is None:
            return [Reply("I can't find that case any more.")]
        if action in ("approve", "reject", "changes"):
            return await self._decide(sender, case, action, state)
        if action == "confirm":
            return await self._confirm(sender, case)
        if action == "open":
            return await self._reopen(sender, case, state)
        if action == "show":
            return [Reply(self.summary(case, heading=True))]
        return None

    # Starting, resuming, listing

    async def _start(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply]:
        person = self.directory.person(sender)
        if person is None:
            return [Reply("I can't find you in the trust directory, so I can't start a case.")]
        academy = person.academy if person.academy else None
        case = await self.cases.create(sender, academy)
        answers: dict[str, Any] = {}
        if academy:
            answers["academy"] = academy
        noted = ""
        platform = self._platform_in(text)
        if platform:
            answers["platform"] = platform
            noted = f" I've noted the platform as {platform} from your message."
        await self.cases.save_answers(case.number, academy, answers)
        await self.audit.record(f"case:{case.id}", sender, "started")
        state[KEY] = {"n": case.number, "step": self._next_unanswered(answers), "review": False}
        intro = (
            f"Let's put together the business case for a new academy account ({case.id}). "
            "The policy asks for one before any official account is set up, and the Academy "
            f"Leadership Team decides.{noted} Your draft is saved after every step."
        )
        return [Reply(intro), await self._prompt(state)]

    async def _resume(self, sender: str, state: dict[str, Any]) -> list[Reply] | None:
        if KEY not in state:
            return None
        case = await self.cases.get(state[KEY]["n"])
        if case is None or case.status not in ("draft", "changes_requested"):
            state.pop(KEY, None)
            return None
        return [
            Reply(f"Welcome back: your business case {case.id} is where you left it."),
            await self._prompt(state),
        ]

    async def awaiting_decision(self, person_id: str) -> list[Case]:
        """Submitted cases of the academies whose leadership team the person is on, oldest first."""
        return [
            c
            for c in reversed(await self.cases.all())
            if c.status == "submitted" and self.directory.is_leader(person_id, c.academy or "")
        ]

    async def _my_cases(self, sender: str) -> list[Reply]:
        """The person's own cases; for a leader, then each case waiting for their decision with
        its buttons again (the first request may be long scrolled away)."""
        waiting = [
            self._decision_request(c, "Waiting for your decision")
            for c in await self.awaiting_decision(sender)
        ]
        cases = [c for c in await self.cases.of_requester(sender) if c.status != "cancelled"]
        if not cases:
            none = (
                "You have no business cases of your own."
                if waiting
                else "You have no business cases yet."
            )
            return [
                Reply(none, choices=(Choice("Propose a new academy account", "case:start"),)),
                *waiting,
            ]
        lines = ["Your business cases:"] + [f"• {self.one_line(c)}" for c in cases]
        choices = [
            Choice(f"Continue {c.id}", f"case:open:{c.id}")
            for c in cases
            if c.status in ("draft", "changes_requested")
        ]
        return [Reply("\n".join(lines), choices=tuple(choices[:5])), *waiting]

    def one_line(self, case: Case) -> str:
        """'SMA-0003 · X/Twitter @HolyCrossHistory · waiting for a decision (1 of 2 confirmed)'."""
        a = case.answers
        what = " ".join(str(a[k]) for k in ("platform", "handle") if a.get(k)) or "(not named yet)"
        status = STATUS_WORDS[case.status]
        if case.status == "submitted" and case.runners:
            done = sum(r in case.confirmations for r in case.runners)
            status += f" ({done} of {len(case.runners)} runners confirmed)"
        return f"{case.id} · {what} · {status}"

    # The form

    async def _answer(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply]:
        flow = state[KEY]
        case = await self.cases.get(flow["n"])
        person = self.directory.person(sender)
        if case is None or person is None or case.status not in ("draft", "changes_requested"):
            state.pop(KEY, None)
            return [Reply("That business case is no longer open for changes.")]
        command = text.strip().lower()
        if command in ("cancel",):
            state.pop(KEY, None)
            await self.cases.move(case.number, {"draft"}, "cancelled")
            await self.audit.record(f"case:{case.id}", sender, "cancelled")
            return [Reply(f"Cancelled {case.id}. Nothing was sent to anyone.")]
        if command in ("pause", "later", "stop"):
            state.pop(KEY, None)
            return [
                Reply(
                    f"Saved {case.id} as it is. Say 'my cases' to pick it up again.",
                    choices=(Choice(f"Continue {case.id}", f"case:open:{case.id}"),),
                )
            ]
        if command == "help":
            step = self._current(flow)
            return [
                Reply(step.help if step else "Type 'submit' to send the case."),
                await self._prompt(state),
            ]
        if command == "back":
            return [await self._back(state)]
        if flow["step"] == "review":
            return await self._review_command(sender, case, text, state)
        if looks_like_secret(text):
            return [Reply(self._secret_refusal()), await self._prompt(state)]
        step = self.form.step(flow["step"])
        checked = self._check(step, clean(text), case, person, flow)
        answers = dict(case.answers)
        if step.kind == "people" and checked.value is not None:
            flow["runners"] = checked.value
        if checked.error:
            found = self._names(flow.get("runners", [])) if step.kind == "people" else ""
            so_far = f" So far: {found}." if found else ""
            return [
                Reply(checked.error + so_far, choices=checked.suggestions),
                await self._prompt(state, repeat=True),
            ]
        answers[step.id] = checked.value
        flow.pop("runners", None)
        await self.cases.save_answers(case.number, answers.get("academy"), answers)
        flow["step"] = "review" if flow["review"] else self._next_unanswered(answers, step.id)
        replies = [Reply(checked.note)] if checked.note else []
        return [*replies, await self._prompt(state)]

    async def _add_runner(self, sender: str, person_id: str, state: dict[str, Any]) -> list[Reply]:
        flow = state[KEY]
        if flow["step"] != "runners" or self.directory.person(person_id) is None:
            return [await self._prompt(state)]
        chosen = [*flow.get("runners", [])]
        if person_id not in chosen:
            chosen.append(person_id)
        flow["runners"] = chosen
        return await self._answer(sender, ",", state)

    def _check(
        self, step: Step, text: str, case: Case, person: Person, flow: dict[str, Any]
    ) -> Checked:
        if step.kind == "academy":
            academy = self._academy_in(text)
            if academy is None:
                names = ", ".join(a.name for a in self.directory.academies)
                return Checked(error=f"Please pick one of the trust's academies: {names}.")
            return Checked(academy)
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
            return Reply(
                self.summary(case, heading=True)
                + "\n\nType a step's number or name to change it, or 'submit' to send it to "
                "the Academy Leadership Team.",
                choices=(Choice("Submit", "case:nav:submit"), Choice("Cancel", "case:nav:cancel")),
            )
        step = self.form.step(flow["step"])
        n = self.form.number(step.id)
        head = f"Step {n} of {len(self.form.steps)} · {step.title}"
        current = case.answers.get(step.id)
        now = f"\n(Currently: {self._show(step, current)})" if current and not repeat else ""
        text = f"{head}\n{step.prompt}{now}\n{NAV_HINT}"
        if step.kind == "academy":
            options = [(a.name, a.id) for a in self.directory.academies]
        else:
            options = [(o, o) for o in step.options]
        return Reply(text, choices=tuple(Choice(label, f"case:answer:{v}") for label, v in options))

    async def _review_command(
        self, sender: str, case: Case, text: str, state: dict[str, Any]
    ) -> list[Reply]:
        command = text.strip().lower()
        if command in ("submit", "send", "yes"):
            return await self._submit(sender, case, state)
        ref = re.sub(r"^(?:edit|change)\s+", "", command)
        step = self.form.find(ref)
        if step is None:
            return [Reply("I didn't catch which step to change."), await self._prompt(state)]
        state[KEY].update(step=step.id, review=True)
        return [await self._prompt(state)]

    # Submission and what follows

    async def _submit(self, sender: str, case: Case, state: dict[str, Any]) -> list[Reply]:
        missing = [s.title for s in self.form.steps if s.id not in case.answers]
        if missing:
            return [Reply(f"Still to answer: {', '.join(missing)}."), await self._prompt(state)]
        if not await self.cases.move(case.number, {"draft", "changes_requested"}, "submitted"):
            state.pop(KEY, None)
            return [Reply(f"{case.id} has already been submitted.")]
        state.pop(KEY, None)
        subject = f"case:{case.id}"
        await self.audit.record(subject, sender, "submitted")
        revision = sum(e.action == "submitted" for e in await self.audit.history(subject))
        case = await self._fresh(case)
        academy = self.directory.academy(case.academy or "")
        leaders = self.directory.leadership_of(case.academy or "")
        for leader in leaders:
            await self.outbox.enqueue(
                f"case:{case.number}:r{revision}:decide:{leader.id}",
                leader.id,
                self._decision_request(case, "New business case for a decision"),
            )
        for runner in case.runners:
            if runner != sender and runner not in case.confirmations:
                await self.outbox.enqueue(
                    f"case:{case.number}:confirm:{runner}",
                    runner,
                    self._confirm_request(case, runner),
                )
        names = ", ".join(p.name for p in leaders)
        where = academy.name if academy else "the academy"
        text = (
            f"Submitted {case.id} to the Academy Leadership Team of {where} ({names}). "
            "The staff you named will be asked to confirm they have read the policy. "
            "I'll tell you the decision; 'my cases' shows where it is."
        )
        if sender in case.runners and sender not in case.confirmations:
            return [Reply(text), self._confirm_request(case, sender)]
        return [Reply(text)]

    def _decision_request(self, case: Case, title: str) -> Reply:
        return Reply(
            f"{title}: {self.summary(case, heading=True)}",
            choices=(
                Choice("Approve", f"case:approve:{case.id}"),
                Choice("Reject", f"case:reject:{case.id}"),
                Choice("Request changes", f"case:changes:{case.id}"),
            ),
        )

    def _confirm_request(self, case: Case, runner: str) -> Reply:
        who = "You have" if runner == case.requester else f"{self._name(case.requester)} has"
        a = case.answers
        return Reply(
            f"{who} named you to help run the academy's {a.get('platform')} account "
            f"{a.get('handle')} ({case.id}). Before it is approved, the policy says management "
            "must be satisfied that you have read and understood the Social Media Policy: "
            f"{self.directory.trust.policy_url}",
            choices=(Choice("I have read and understood the policy", f"case:confirm:{case.id}"),),
        )

    async def _confirm(self, sender: str, case: Case) -> list[Reply]:
        if sender not in case.runners:
            return [Reply(f"Only the staff named to run the account in {case.id} confirm this.")]
        if case.status in ("approved", "rejected", "cancelled"):
            return [Reply(f"{case.id} is already {STATUS_WORDS[case.status]}.")]
        if not await self.cases.confirm(case.number, sender):
            return [Reply("You have already confirmed. Thank you.")]
        await self.audit.record(f"case:{case.id}", sender, "runner confirmed")
        case = await self._fresh(case)
        if case.status == "submitted" and all(r in case.confirmations for r in case.runners):
            for leader in self.directory.leadership_of(case.academy or ""):
                await self.outbox.enqueue(
                    f"case:{case.number}:all-confirmed:{leader.id}",
                    leader.id,
                    self._decision_request(case, "Every runner has now confirmed"),
                )
        return [
            Reply(f"Thank you: recorded that you have read and understood the policy ({case.id}).")
        ]

    async def _decide(
        self, sender: str, case: Case, action: str, state: dict[str, Any]
    ) -> list[Reply]:
        academy = self.directory.academy(case.academy or "")
        if academy is None or not self.directory.is_leader(sender, academy.id):
            where = academy.name if academy else "that academy"
            return [
                Reply(
                    f"Only the Academy Leadership Team of {where} can decide on {case.id}. "
                    "Nothing has changed."
                )
            ]
        if case.status != "submitted":
            return [Reply(self._already(case))]
        if action == "approve":
            waiting = [r for r in case.runners if r not in case.confirmations]
            if waiting:
                return [
                    Reply(
                        f"{case.id} can't be approved yet: {self._names(waiting)} "
                        f"{'has' if len(waiting) == 1 else 'have'} not confirmed reading the "
                        "policy. I'll message you when they have."
                    )
                ]
            return await self._record_decision(sender, case, "approved", None)
        state[DECIDING] = {"n": case.number, "action": action}
        ask = "Why are you rejecting" if action == "reject" else "What should be changed in"
        return [
            Reply(
                f"{ask} {case.id}? Type it in one message; {self._name(case.requester)} will see "
                "it. (or 'cancel')"
            )
        ]

    async def _decision_note(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply]:
        pending = state[DECIDING]
        if text.strip().lower() == "cancel":
            state.pop(DECIDING)
            return [Reply("Cancelled; nothing was decided.")]
        if looks_like_secret(text):
            return [Reply(self._secret_refusal())]
        note = clean(text)
        if len(note) < 3 or len(note) > 1000:
            return [Reply("Please give a reason of 3 to 1,000 characters (or 'cancel').")]
        state.pop(DECIDING)
        case = await self.cases.get(pending["n"])
        if case is None:
            return [Reply("I can't find that case any more.")]
        if not self.directory.is_leader(sender, case.academy or ""):
            return [Reply(f"Only the Academy Leadership Team can decide on {case.id}.")]
        if pending["action"] == "reject":
            return await self._record_decision(sender, case, "rejected", note)
        if not await self.cases.move(case.number, {"submitted"}, "changes_requested"):
            return [Reply(self._already(await self._fresh(case)))]
        await self.audit.record(f"case:{case.id}", sender, "changes requested", {"comment": note})
        await self.outbox.enqueue(
            f"case:{case.number}:changes:{len(await self.audit.history(f'case:{case.id}'))}",
            case.requester,
            Reply(
                f"{self._name(sender)} asked for changes to {case.id}: “{note}”",
                choices=(Choice(f"Edit {case.id}", f"case:open:{case.id}"),),
            ),
        )
        return [Reply(f"Sent your comments on {case.id} to {self._name(case.requester)}.")]

    async def _record_decision(
        self, sender: str, case: Case, status: str, note: str | None
    ) -> list[Reply]:
        if not await self.cases.decide(case.number, status, sender, note):
            return [Reply(self._already(await self._fresh(case)))]
        subject = f"case:{case.id}"
        await self.audit.record(subject, sender, status, {"reason": note} if note else {})
        case = await self._fresh(case)
        if status == "approved":
            account = self._account(case)
            await self.register.add(account)
            await self.audit.record(
                f"account:{account.id}", sender, "registered", {"case": case.id}
            )
        verdict = "approved" if status == "approved" else f"rejected: “{note}”"
        a = case.answers
        message = (
            f"Business case {case.id} ({a.get('platform')} {a.get('handle')}) was {verdict} "
            f"by {self._name(sender)}."
        )
        for person in dict.fromkeys([case.requester, *case.runners]):
            await self.outbox.enqueue(
                f"case:{case.number}:decision:{person}", person, Reply(message)
            )
        return [Reply(f"Recorded: {case.id} {status}. The requester and runners will be told.")]

    async def _reopen(self, sender: str, case: Case, state: dict[str, Any]) -> list[Reply]:
        if sender != case.requester:
            return [Reply(f"Only {self._name(case.requester)} can edit {case.id}.")]
        if case.status not in ("draft", "changes_requested"):
            return [Reply(f"{case.id} is {STATUS_WORDS[case.status]}, so it can't be edited.")]
        state.pop(DECIDING, None)
        state[KEY] = {
            "n": case.number,
            "step": self._next_unanswered(case.answers),
            "review": False,
        }
        return [await self._prompt(state)]

    # Presentation

    def summary(self, case: Case, heading: bool = False) -> str:
        """The case as numbered lines, one per step, with the runners' confirmations."""
        lines = []
        if heading:
            lines.append(f"Business case {case.id} from {self._name(case.requester)}")
        for n, step in enumerate(self.form.steps, 1):
            value = case.answers.get(step.id)
            lines.append(f"{n}. {step.title}: {self._show(step, value) if value else '—'}")
        if case.runners:
            marks = ", ".join(
                f"{self._name(r)} {'✓' if r in case.confirmations else '(not yet)'}"
                for r in case.runners
            )
            lines.append(f"Read and understood the policy: {marks}")
        return "\n".join(lines)

    def _show(self, step: Step, value: Any) -> str:
        if step.kind == "academy":
            academy = self.directory.academy(str(value))
            return academy.name if academy else str(value)
        if step.kind == "people":
            return self._names(value)
        if step.kind == "emails":
            return f"{', '.join(value['addresses'])}; access: {value['access']}"
        return str(value)

    def _account(self, case: Case) -> Account:
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

    def _already(self, case: Case) -> str:
        if case.decided_by and case.decided_at:
            return (
                f"{case.id} was already {case.status} by {self._name(case.decided_by)} on "
                f"{case.decided_at:%d %b %Y at %H:%M} UTC."
            )
        return f"{case.id} is {STATUS_WORDS[case.status]}, so there is nothing to decide now."

    def _secret_refusal(self) -> str:
        it = next((p for p in self.directory.people if p.role == "it"), None)
        return SECRET_REFUSED.format(it=f" ({it.name}, {it.email})" if it else "")

    def _name(self, person_id: str) -> str:
        person = self.directory.person(person_id)
        return person.name if person else person_id

    def _names(self, ids: list[str]) -> str:
        return ", ".join(self._name(i) for i in ids)

    def _academy_in(self, text: str) -> str | None:
        t = text.strip().lower()
        for n, a in enumerate(self.directory.academies, 1):
            if t in (str(n), a.id, a.name.lower()) or (len(t) >= 4 and t in a.name.lower()):
                return a.id
        return None

    def _platform_in(self, text: str) -> str | None:
        step = self.form.step("platform")
        words = re.findall(r"[a-z]+", text.lower())
        found = {check_choice(step, w).value for w in words if len(w) > 1} - {None}
        return str(found.pop()) if len(found) == 1 else None

    async def _fresh(self, case: Case) -> Case:
        fresh = await self.cases.get(case.number)
        assert fresh is not None
        return fresh
