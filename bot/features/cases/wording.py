"""What the business case says: every sentence, the prompts, the summaries and their choices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.core.actions import action
from bot.core.messages import Choice, Reply
from bot.features.cases.form import Form, Step, personal_addresses
from bot.features.cases.ids import KIND
from bot.model.directory import Academy, Directory, Person
from bot.model.records import Case

STATUS_WORDS = {
    "draft": "draft",
    "submitted": "waiting for a decision",
    "changes_requested": "changes requested",
    "approved": "approved",
    "rejected": "rejected",
    "cancelled": "cancelled",
}
NAV_HINT = "(type 'back', 'help', 'pause' or 'cancel' at any step)"
# Drafting
NOT_IN_DIRECTORY = "I can't find you in the trust directory, so I can't start a case."
INTRO = (
    "Let's put together the business case for a new academy account ({case}). "
    "The policy asks for one before any official account is set up, and the Academy "
    "Leadership Team decides.{noted} Your draft is saved after every step."
)
NOTED_PLATFORM = " I've noted the platform as {platform} from your message."
NOTED_FOR = " It's for {purpose}: say so in the aim."
WELCOME_BACK = "Your business case {case} is still open where you left it."
NOT_OPEN = "That business case is no longer open for changes."
CANCELLED = "Cancelled {case}. Nothing was sent to anyone."
SAVED = "Saved {case} as it is. Say 'my cases' to pick it up again."
SUBMIT_HELP = "Type 'submit' to send the case."
SO_FAR = " So far: {names}."
STEP = "Step {n} of {total} · {title}\n{prompt}{now}\n" + NAV_HINT
CURRENTLY = "\n(Currently: {value})"
REVIEW = (
    "{summary}\n\nType a step's number or name to change it, 'submit' to send it to "
    "the Academy Leadership Team, or 'cancel' to throw the case away."
)
PICK_ACADEMY = "Please pick one of the trust's academies: {names}."
WHICH_STEP = "I didn't catch which step to change."
STILL_TO_ANSWER = "Still to answer: {titles}."
ALREADY_SUBMITTED = "{case} has already been submitted."
SUBMITTED = (
    "Submitted {case} to the Academy Leadership Team of {where} ({names}). "
    "The staff you named will be asked to confirm they have read the policy. "
    "I'll tell you the decision; 'my cases' shows where it is."
)
ONLY_REQUESTER_EDITS = "Only {requester} can edit {case}."
NOT_EDITABLE = "{case} is {status}, so it can't be edited."

# Listing
CASE_GONE = "I can't find that case any more."
NO_CASES = "You have no business cases yet."
NO_OWN_CASES = "You have no business cases of your own."
YOUR_CASES = "Your business cases:"

# Confirmations and decisions
NEW_CASE = "New business case for a decision"
ALL_CONFIRMED = "Every runner has now confirmed"
WAITING = "Waiting for your decision"
DECISION_REQUEST = "{title}: {summary}"
CONFIRM_REQUEST = (
    "{who} to help run the academy's {platform} account {handle} ({case}). Before "
    "it is approved, the policy says management must be satisfied that you have read and "
    "understood the Social Media Policy: {url}\n(Or type: confirm {case})"
)
NAMED_YOURSELF = "You are named"
NAMED_BY = "{who} has named you"
ONLY_RUNNERS_CONFIRM = "Only the staff named to run the account in {case} confirm this."
ALREADY_FINAL = "{case} is already {status}."
ALREADY_CONFIRMED = "You have already confirmed reading the policy for {case}. Thank you."
ONLY_LEADERS_REMIND = (
    "Only the requester or the Academy Leadership Team can send {case}'s request again."
)
WHICH_CONFIRM = "More than one business case is waiting for your confirmation:"
NOBODY_TO_REMIND = "Nobody is waiting to confirm on {case}."
REMINDED = "Sent the request to confirm reading the policy again to {names} ({case})."
REMIND_LABEL = "Remind {names}"
TYPED_DECISIONS = (
    "(Or type: approve {case} · reject {case} because … · request changes to {case}: …)"
)
PERSONAL_EMAIL = (
    "Note: {emails} looks like a personal address; the policy expects official accounts to "
    "use academy email addresses."
)
ONLY_REQUESTER_WITHDRAWS = "Only {requester}, who made {case}, can withdraw it."
CANNOT_WITHDRAW = "{case} is already {status}, so it can't be withdrawn."
WITHDRAWN = (
    "Withdrew {case}: it is cancelled, and the Academy Leadership Team and the staff you "
    "named have been told."
)
WITHDRAWN_NOTICE = "{who} has withdrawn business case {case} ({platform} {handle})."
PENDING_CONFIRMATIONS = "Waiting for you to confirm reading the policy:"
CONFIRMED = "Thank you: recorded that you have read and understood the policy ({case})."
ONLY_LEADERS_OF = (
    "Only the Academy Leadership Team of {where} can decide on {case}. Nothing has changed."
)
ONLY_LEADERS = "Only the Academy Leadership Team can decide on {case}."
NOT_CONFIRMED_YET = (
    "{case} can't be approved yet: {names} {have} not confirmed reading the policy. "
    "I'll message you when they have. (To send them the request again, type: remind {case})"
)
ASK_REASON = "{ask} {case}? Type it in one message; {requester} will see it. (or 'cancel')"
ASK = {"reject": "Why are you rejecting", "changes": "What should be changed in"}
DECISION_CANCELLED = "Cancelled; nothing was decided."
REASON_LENGTH = "Please give a reason of 3 to 1,000 characters (or 'cancel')."
CHANGES_ASKED = "{who} asked for changes to {case}: “{note}”"
COMMENTS_SENT = "Sent your comments on {case} to {requester}."
DECIDED = "Business case {case} ({platform} {handle}) was {verdict} by {who}."
RECORDED = "Recorded: {case} {status}. The requester and runners will be told."
ALREADY_DECIDED = "{case} was already {status} by {who} on {at:%d %b %Y at %H:%M} UTC."
NOTHING_TO_DECIDE = "{case} is {status}, so there is nothing to decide now."


def one_line(case: Case) -> str:
    """'SMA-0003 · X/Twitter @HolyCrossHistory · waiting for a decision (1 of 2 confirmed)'."""
    a = case.answers
    what = " ".join(str(a[k]) for k in ("platform", "handle") if a.get(k)) or "(not named yet)"
    status = STATUS_WORDS[case.status]
    if case.status == "submitted" and case.runners:
        done = sum(r in case.confirmations for r in case.runners)
        status += f" ({done} of {len(case.runners)} runners confirmed)"
    return f"{case.id} · {what} · {status}"


def continue_choice(case: Case, label: str = "Continue") -> Choice:
    """The button that opens the case's form again."""
    return action(KIND, "open", case.id).choice(f"{label} {case.id}")


class Wording:
    """The sentences that need the form or the directory: names, summaries, prompts, requests."""

    def __init__(self, form: Form, directory: Directory) -> None:
        self.form = form
        self.directory = directory

    def name(self, person_id: str) -> str:
        """The person's name, or the id when the directory no longer knows them."""
        return self.directory.name_of(person_id)

    def names(self, ids: Iterable[str]) -> str:
        """'Dana Demo, Jack Sampleton'."""
        return self.directory.names_of(ids)

    def summary(self, case: Case, heading: bool = False) -> str:
        """The case as numbered lines, one per step, with the runners' confirmations."""
        lines = []
        if heading:
            lines.append(f"Business case {case.id} from {self.name(case.requester)}")
        for n, step in enumerate(self.form.steps, 1):
            value = case.answers.get(step.id)
            lines.append(f"{n}. {step.title}: {self.show(step, value) if value else '—'}")
        if case.runners:
            marks = ", ".join(
                f"{self.name(r)} {'✓' if r in case.confirmations else '(not yet)'}"
                for r in case.runners
            )
            lines.append(f"Read and understood the policy: {marks}")
        return "\n".join(lines)

    def show(self, step: Step, value: Any) -> str:
        """A stored answer as people read it (academy and staff names rather than ids)."""
        if step.kind == "academy":
            academy = self.directory.academy(str(value))
            return academy.name if academy else str(value)
        if step.kind == "people":
            return self.names(value)
        if step.kind == "emails":
            return f"{', '.join(value['addresses'])}; access: {value['access']}"
        return str(value)

    def step_prompt(self, case: Case, step: Step, repeat: bool = False) -> Reply:
        """Ask the step's question, with its current answer unless the question is repeated."""
        current = case.answers.get(step.id)
        now = CURRENTLY.format(value=self.show(step, current)) if current and not repeat else ""
        text = STEP.format(
            n=self.form.number(step.id),
            total=len(self.form.steps),
            title=step.title,
            prompt=step.prompt,
            now=now,
        )
        if step.kind == "academy":
            options = [(a.name, a.id) for a in self.directory.academies]
        else:
            options = [(o, o) for o in step.options]
        return Reply(
            text, choices=tuple(action(KIND, "answer", v).choice(label) for label, v in options)
        )

    def review(self, case: Case) -> Reply:
        """The whole case, ready to submit."""
        return Reply(
            REVIEW.format(summary=self.summary(case, heading=True)),
            choices=(
                action(KIND, "nav", "submit").choice("Submit"),
                action(KIND, "nav", "cancel").choice("Cancel"),
            ),
            numbered=False,  # typed numbers edit steps here
        )

    def my_cases(
        self, person_id: str, mine: list[Case], waiting: list[Case], to_confirm: list[Case]
    ) -> list[Reply]:
        """The person's own cases, then whatever waits for them with its buttons again: a
        request to confirm reading the policy, a case for their decision."""
        requests = [self.confirm_request(c, person_id) for c in to_confirm]
        requests += [self.decision_request(c, WAITING) for c in waiting]
        if not mine:
            start = action(KIND, "start").choice("Propose a new academy account")
            return [Reply(NO_OWN_CASES if requests else NO_CASES, choices=(start,)), *requests]
        lines = [YOUR_CASES] + [f"• {one_line(c)}" for c in mine]
        choices = [continue_choice(c) for c in mine if c.status in ("draft", "changes_requested")]
        return [Reply("\n".join(lines), choices=tuple(choices[:5])), *requests]

    def decision_request(self, case: Case, title: str) -> Reply:
        """The case for its leadership team, with the decision buttons and their typed forms."""
        lines = [DECISION_REQUEST.format(title=title, summary=self.summary(case, heading=True))]
        personal = personal_addresses((case.answers.get("emails") or {}).get("addresses", []))
        if personal:
            lines.append(PERSONAL_EMAIL.format(emails=", ".join(personal)))
        lines.append(TYPED_DECISIONS.format(case=case.id))
        choices = [
            action(KIND, "approve", case.id).choice("Approve"),
            action(KIND, "reject", case.id).choice("Reject"),
            action(KIND, "changes", case.id).choice("Request changes"),
        ]
        waiting = [r for r in case.runners if r not in case.confirmations]
        if waiting:
            label = REMIND_LABEL.format(names=self.names(waiting))
            choices.append(action(KIND, "remind", case.id).choice(label))
        return Reply("\n".join(lines), choices=tuple(choices))

    def confirm_request(self, case: Case, runner: str) -> Reply:
        """Ask a named runner to confirm they have read and understood the policy."""
        if runner == case.requester:
            who = NAMED_YOURSELF
        else:
            who = NAMED_BY.format(who=self.name(case.requester))
        text = CONFIRM_REQUEST.format(
            who=who,
            platform=case.answers.get("platform"),
            handle=case.answers.get("handle"),
            case=case.id,
            url=self.directory.trust.policy_url,
        )
        label = "I have read and understood the policy"
        return Reply(text, choices=(action(KIND, "confirm", case.id).choice(label),))

    def submitted(self, case: Case, academy: Academy | None, leaders: list[Person]) -> str:
        """Tell the requester who the case went to and what happens next."""
        where = academy.name if academy else "the academy"
        return SUBMITTED.format(case=case.id, where=where, names=", ".join(p.name for p in leaders))

    def not_confirmed_yet(self, case: Case, waiting: list[str]) -> Reply:
        """Why the case can't be approved while runners have not confirmed, and a way to
        send them the request again."""
        have = "has" if len(waiting) == 1 else "have"
        names = self.names(waiting)
        return Reply(
            NOT_CONFIRMED_YET.format(case=case.id, names=names, have=have),
            choices=(action(KIND, "remind", case.id).choice(REMIND_LABEL.format(names=names)),),
        )

    def withdrawn(self, case: Case) -> str:
        """Tell the leaders and runners that the requester withdrew the case."""
        a = case.answers
        return WITHDRAWN_NOTICE.format(
            who=self.name(case.requester),
            case=case.id,
            platform=a.get("platform"),
            handle=a.get("handle"),
        )

    def ask_reason(self, case: Case, verb: str) -> str:
        """Ask the leader why they reject the case or what should change."""
        return ASK_REASON.format(ask=ASK[verb], case=case.id, requester=self.name(case.requester))

    def decided(self, case: Case, status: str, note: str | None, by: str) -> str:
        """Tell the requester and runners the decision."""
        verdict = "approved" if status == "approved" else f"rejected: “{note}”"
        a = case.answers
        return DECIDED.format(
            case=case.id,
            platform=a.get("platform"),
            handle=a.get("handle"),
            verdict=verdict,
            who=self.name(by),
        )

    def already(self, case: Case) -> str:
        """Why there is nothing to decide: who decided first and when, or the case's status."""
        if case.decided_by and case.decided_at:
            who = self.name(case.decided_by)
            return ALREADY_DECIDED.format(
                case=case.id, status=case.status, who=who, at=case.decided_at
            )
        return NOTHING_TO_DECIDE.format(case=case.id, status=STATUS_WORDS[case.status])
