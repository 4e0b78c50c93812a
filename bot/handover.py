"""Handing over an academy account when a runner leaves, and naming a replacement runner.

Follows the policy section "Handover": the account's information goes to the headteacher
or the Trust IT team, and the passwords are reset once handover is complete.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

from bot.directory import TRUST_WIDE_ROLES, Directory, Person
from bot.messages import Choice, Reply
from bot.ports import Account, AccountRegister, AuditTrail, Outbox
from bot.register import handle_key

log = logging.getLogger(__name__)

HANDOVER_CLAUSE = "handover.when-controller-trust"
"""The policy clause a refusal offers to show instead."""
MIN_RUNNERS = 2
"""The business case asks for at least two staff to monitor and run an account."""

_KEYWORD = re.compile(r"\bhand(?:ing)?[\s-]*over\b", re.IGNORECASE)
_QUESTION = re.compile(
    r"\s*(?:what|whats|who|whom|whose|how|when|where|why|which|should|shall|can|could|do|does"
    r"|did|is|are|am|must|may|might|would|will|if)\b|.*\?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_HANDLE = re.compile(r"@[\w.]+")
_FOR = re.compile(r"\bfor\s+(?P<name>[^@?!.,]+)", re.IGNORECASE)
_SELF = frozenset({"me", "myself"})
_ADD = re.compile(
    r"\s*(?:please\s+)?add\s+(?P<name>.+?)\s+(?:to|as\s+(?:a\s+)?runner\s+(?:of|on|for))\s+"
    r"(?P<account>@?[\w.-]+)\s*[.!]?\s*",
    re.IGNORECASE,
)
_ALIASES = {"fb": "facebook", "ig": "instagram", "insta": "instagram", "tweets": "twitter"}
_NOT_NAMES = {"hand", "handing", "over", "handover", "leaving", "please", "account", "school"}
_CANCEL = frozenset({"cancel", "stop", "never mind", "nevermind"})
_POLICY = Choice("What the policy says about handover", f"clause:{HANDOVER_CLAUSE}")


class HandoverStore(Outbox, AuditTrail, Protocol):
    """What a handover keeps: messages for other people and the audit trail."""


class HandoverFeature:
    """Hands over an account for a leaving runner and asks the headteacher for a replacement."""

    def __init__(
        self, directory: Directory, store: HandoverStore, register: AccountRegister
    ) -> None:
        self.directory = directory
        self.store = store
        self.register = register

    async def on_choice(self, sender: str, value: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies to a clicked handover button; None for anyone else's."""
        kind, _, rest = value.partition(":")
        if kind != "handover":
            return None
        state.pop("handover", None)
        action, *args = rest.split(":")
        actor = self.directory.person(sender)
        if actor is None:
            return [Reply(_NOT_IN_DIRECTORY)]
        if action == "cancel":
            return [Reply("Cancelled: nothing has changed.")]
        account = await self.register.get(args[0]) if args and args[0] != "-" else None
        person = self.directory.person(args[1]) if len(args) == 2 else None
        if account is not None and not account.active:
            account = None
        if action == "for" and person is not None:
            return await self._choose(actor, person, account, "")
        if account is None:
            return [Reply(_GONE)]
        if action == "add":
            return self._ask_for_runner(actor, account, state)
        if person is None:
            return [Reply(_GONE)]
        if action == "pick":
            return self._confirm(actor, person, account)
        if action == "yes":
            return await self._hand_over(actor, person, account)
        if action == "addwho":
            return await self._add_runner(actor, person, account)
        return [Reply(_GONE)]

    async def on_text(self, sender: str, text: str, state: dict[str, Any]) -> list[Reply] | None:
        """Replies to a handover request or a named replacement; None for anything else."""
        adding = (state.get("handover") or {}).get("adding")
        state.pop("handover", None)
        actor = self.directory.person(sender)
        if (found := _ADD.fullmatch(text)) is not None:
            account = await self.register.find(found["account"])
            if account is not None or found["account"].startswith("@"):
                if actor is None:
                    return [Reply(_NOT_IN_DIRECTORY)]
                return await self._add_named(actor, account, found["account"], found["name"])
        if adding and not _is_question(text):
            if text.strip().lower() in _CANCEL:
                return [Reply("OK, nobody has been added.")]
            account = await self.register.get(adding)
            if actor is None or account is None:
                return [Reply(_GONE)]
            name = re.sub(r"^\s*add\s+", "", text, flags=re.IGNORECASE)
            return await self._add_named(actor, account, account.handle, name)
        if not _KEYWORD.search(text):
            return None
        accounts = await self.register.all()
        named = _named_account(text, accounts)
        if named is None and _is_question(text):
            return None
        if actor is None:
            return [Reply(_NOT_IN_DIRECTORY)]
        return await self._start(actor, text, named, accounts)

    # Handing over

    async def _start(
        self, actor: Person, text: str, named: Account | str | None, accounts: list[Account]
    ) -> list[Reply]:
        """Work out whose account is being handed over, then pick or confirm it."""
        runner = actor
        found = _FOR.search(_HANDLE.sub(" ", text))
        name = found["name"].strip() if found else ""
        if name and name.lower() not in _SELF:
            people = self.directory.find_people(name)
            exact = [p for p in people if _is_exact(p, name)]
            if exact and exact[0].id != actor.id:
                runner = exact[0]
            elif self._acts_for_others(actor) and not exact:
                account_id = named.id if isinstance(named, Account) else "-"
                choices = tuple(Choice(p.name, f"handover:for:{account_id}:{p.id}") for p in people)
                intro = f"I can't find anyone called '{name}' in the trust directory."
                if choices:
                    return [Reply(f"{intro} Did you mean one of these?", choices=choices)]
                return [Reply(f"{intro} Say e.g. 'handover @account for Jack Sampleton'.")]
        if isinstance(named, str):
            return [
                Reply(
                    f"I can't find {named} in the account register. "
                    + self._runs(runner, accounts, actor)
                )
            ]
        if runner.id != actor.id and not self._acts_for_others(actor):
            return [Reply(_ONLY_ADMINS, choices=(_POLICY,))]
        return await self._choose(actor, runner, named, text, accounts)

    async def _choose(
        self,
        actor: Person,
        runner: Person,
        named: Account | None,
        text: str,
        accounts: list[Account] | None = None,
    ) -> list[Reply]:
        """Confirm the named account, the runner's only account, or offer their accounts."""
        accounts = await self.register.all() if accounts is None else accounts
        if named is not None:
            if runner.id in named.runners:
                return self._confirm(actor, runner, named)
            return [self._not_a_runner(actor, runner, named, accounts)]
        runs = [a for a in accounts if runner.id in a.runners]
        if not runs:
            return [self._not_a_runner(actor, runner, None, accounts)]
        theirs = [a for a in runs if self._may_hand_over(actor, runner, a) is None]
        if not theirs:
            return [Reply(_ONLY_ADMINS, choices=(_POLICY,))]
        picked = _narrow(theirs, text)
        if len(picked) == 1:
            return self._confirm(actor, runner, picked[0])
        return [
            Reply(
                "Which account is being handed over?",
                choices=(
                    *(Choice(_label(a), f"handover:pick:{a.id}:{runner.id}") for a in picked),
                    Choice("Cancel", "handover:cancel"),
                ),
            )
        ]

    def _confirm(self, actor: Person, runner: Person, account: Account) -> list[Reply]:
        """Ask before changing anything, saying exactly what will happen."""
        if refusal := self._may_hand_over(actor, runner, account):
            return [refusal]
        remaining = [r for r in account.runners if r != runner.id]
        who = "You" if runner.id == actor.id else runner.name
        text = (
            f"Hand over {_label(account)}? {who} will be removed from its runners, "
            f"and {self._told(account)} will get the handover checklist."
        )
        if len(remaining) < MIN_RUNNERS:
            text += (
                f" That leaves {_count(len(remaining))}, so the headteacher will be asked "
                "to name a replacement."
            )
        return [
            Reply(
                text,
                choices=(
                    Choice("Yes, hand it over", f"handover:yes:{account.id}:{runner.id}"),
                    Choice("Cancel", "handover:cancel"),
                ),
            )
        ]

    async def _hand_over(self, actor: Person, runner: Person, account: Account) -> list[Reply]:
        """Remove the runner, tell the people responsible and record it."""
        if runner.id not in account.runners:
            return [Reply(f"{runner.name} no longer runs {account.handle}: nothing to do.")]
        if refusal := self._may_hand_over(actor, runner, account):
            return [refusal]
        subject = f"account:{account.id}"
        n = len(await self.store.history(subject))
        remaining = await self.register.change_runners(
            account.id, lambda runners: tuple(r for r in runners if r != runner.id)
        )
        await self.store.record(
            subject, actor.id, "handover", {"runner": runner.id, "runners": list(remaining)}
        )
        log.info("handover account=%s runner=%s actor=%s", account.id, runner.id, actor.id)
        key = f"handover:{account.id}:{runner.id}:{n}"
        checklist = self._checklist(runner, account, remaining)
        by = "" if actor.id == runner.id else f" ({actor.name} did it for them)"
        academy = self.directory.academy(account.academy)
        for person in self._responsible(account):
            await self.store.enqueue(
                f"{key}:{person.id}",
                person.id,
                Reply(
                    f"{runner.name} has handed over {_label(account)}{by}. "
                    f"Please complete the handover:\n{checklist}"
                ),
            )
        if actor.id != runner.id:
            await self.store.enqueue(
                f"{key}:{runner.id}",
                runner.id,
                Reply(
                    f"{actor.name} has handed over {_label(account)} for you, so you no longer "
                    "run it. Please pass all account information (logons, passwords, email "
                    f"addresses and access methods) to {self._told(account)}."
                ),
            )
        head = self.directory.person(academy.headteacher) if academy else None
        if len(remaining) < MIN_RUNNERS and head is not None:
            names = _names(self.directory, remaining) or "nobody"
            await self.store.enqueue(
                f"{key}:{head.id}:replacement",
                head.id,
                Reply(
                    f"{account.handle} now has {_count(len(remaining))} ({names}); at least "
                    f"two staff should run it. Who should also run it? Reply e.g. "
                    f"'add Kate Mockett to {account.handle}'.",
                    choices=(Choice("Name a replacement", f"handover:add:{account.id}"),),
                ),
            )
            await self.store.record(
                subject, actor.id, "replacement requested", {"headteacher": head.id}
            )
        who = "You have" if actor.id == runner.id else f"{runner.name} has"
        return [
            Reply(
                f"Done. {who} been removed from the runners of {account.handle}, and "
                f"{self._told(account)} have the handover checklist:\n{checklist}"
            )
        ]

    def _checklist(self, runner: Person, account: Account, remaining: tuple[str, ...]) -> str:
        """The numbered steps from the policy's Handover section, ending with the passwords."""
        emails = ", ".join(account.emails) or "none recorded"
        steps = (
            f"{runner.name} passes all account information (logons, passwords, associated "
            "email addresses and access methods) to the headteacher or the Trust IT team.",
            f"{runner.name} signs out of {account.handle} on every device and app.",
            f"The academy takes over the account; runners now: "
            f"{_names(self.directory, remaining) or 'nobody'} (at least two staff should be).",
            "Once handover is complete, reset the passwords and update the academy's record "
            f"of logon email addresses (now: {emails}).",
        )
        return "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))

    # Adding a runner

    def _ask_for_runner(
        self, actor: Person, account: Account, state: dict[str, Any]
    ) -> list[Reply]:
        """Ask a leader to type the new runner's name, which on_text then takes."""
        if refusal := self._may_add(actor, account):
            return [refusal]
        state["handover"] = {"adding": account.id}
        return [
            Reply(
                f"Who should also run {account.handle}? Type their name (they must be staff "
                f"of {self._academy_name(account)}), or 'cancel'."
            )
        ]

    async def _add_named(
        self, actor: Person, account: Account | None, account_text: str, name: str
    ) -> list[Reply]:
        """Add the staff member called `name`, or offer the closest names."""
        if account is None:
            return [Reply(f"I can't find {account_text} in the account register.")]
        if refusal := self._may_add(actor, account):
            return [refusal]
        name = name.strip()
        exact = [p for p in self.directory.find_people(name) if _is_exact(p, name)]
        if exact:
            return await self._add_runner(actor, exact[0], account)
        similar = self.directory.find_people(name, account.academy)
        if not similar:
            return [Reply(f"I can't find anyone called '{name}' at {self._academy_name(account)}.")]
        return [
            Reply(
                f"I can't find '{name}' exactly. Did you mean one of these?",
                choices=tuple(
                    Choice(f"Add {p.name}", f"handover:addwho:{account.id}:{p.id}") for p in similar
                ),
            )
        ]

    async def _add_runner(self, actor: Person, person: Person, account: Account) -> list[Reply]:
        """Add a runner of the account's academy, tell them and record it."""
        if refusal := self._may_add(actor, account):
            return [refusal]
        if person.academy != account.academy:
            return [
                Reply(
                    f"{person.name} isn't staff of {self._academy_name(account)}, so they "
                    f"can't run {account.handle}."
                )
            ]
        if person.id in account.runners:
            return [Reply(f"{person.name} already runs {account.handle}.")]
        subject = f"account:{account.id}"
        n = len(await self.store.history(subject))
        runners = await self.register.change_runners(
            account.id, lambda now: now if person.id in now else (*now, person.id)
        )
        await self.store.record(subject, actor.id, "runner added", {"runner": person.id})
        log.info("runner added account=%s runner=%s actor=%s", account.id, person.id, actor.id)
        await self.store.enqueue(
            f"handover:{account.id}:added:{person.id}:{n}",
            person.id,
            Reply(
                f"{actor.name} has added you as a runner of {_label(account)}. Please make sure "
                "you have read the Social Media Policy; ask me anything about it."
            ),
        )
        text = f"Done. {account.handle} is now run by {_names(self.directory, runners)}."
        if len(runners) < MIN_RUNNERS:
            text += f" At least two staff should run it: 'add NAME to {account.handle}'."
        return [Reply(text)]

    # Who may do what

    def _may_act_for_someone(self, actor: Person, account: Account | None) -> bool:
        """Trust admin, IT and HR staff, and the account's headteacher, act for others."""
        if actor.role in TRUST_WIDE_ROLES:
            return True
        academy = self.directory.academy(account.academy) if account else None
        return academy is not None and academy.headteacher == actor.id

    def _acts_for_others(self, actor: Person) -> bool:
        """Whether the actor may hand over some account for someone else."""
        return actor.role in TRUST_WIDE_ROLES or any(
            a.headteacher == actor.id for a in self.directory.academies
        )

    def _may_hand_over(self, actor: Person, runner: Person, account: Account) -> Reply | None:
        if runner.id == actor.id or self._may_act_for_someone(actor, account):
            return None
        return Reply(_ONLY_ADMINS, choices=(_POLICY,))

    def _may_add(self, actor: Person, account: Account) -> Reply | None:
        if self.directory.is_leader(actor.id, account.academy):
            return None
        return Reply(
            f"Only {self._academy_name(account)}'s leadership team can add a runner to "
            f"{account.handle}."
        )

    # Wording

    def _not_a_runner(
        self, actor: Person, runner: Person, account: Account | None, accounts: list[Account]
    ) -> Reply:
        if runner.id != actor.id:
            what = account.handle if account else "any account in the register"
            return Reply(
                f"{runner.name} doesn't run {what}. " + self._runs(runner, accounts, actor)
            )
        if account is None:
            text = "You don't run any academy account in the register, so there's nothing to "
            text += "hand over. If you hold an account's logins, pass them to your headteacher "
            text += "or the Trust IT team."
            if self._acts_for_others(actor):
                text += (
                    " To hand over for someone who is leaving, say 'handover @account for NAME'."
                )
            return Reply(text, choices=(_POLICY,))
        text = (
            f"You don't run {account.handle}, so you can't hand it over. Its runners are "
            f"{_names(self.directory, account.runners) or 'nobody'}. "
            + self._runs(runner, accounts, actor)
        )
        if not self._may_act_for_someone(actor, account):
            return Reply(text, choices=(_POLICY,))
        choices = tuple(
            Choice(f"Hand over for {p.name}", f"handover:pick:{account.id}:{p.id}")
            for p in self._people(account.runners)
        )
        return Reply(text, choices=choices)

    def _runs(self, runner: Person, accounts: list[Account], actor: Person) -> str:
        theirs = "; ".join(_label(a) for a in accounts if runner.id in a.runners)
        if runner.id == actor.id:
            return f"Accounts you run: {theirs}." if theirs else "You don't run any accounts."
        if theirs:
            return f"Accounts {runner.name} runs: {theirs}."
        return f"{runner.name} doesn't run any accounts."

    def _responsible(self, account: Account) -> list[Person]:
        """The academy's headteacher and IT contact, each once."""
        academy = self.directory.academy(account.academy)
        ids = dict.fromkeys((academy.headteacher, academy.it_contact)) if academy else {}
        return self._people(tuple(ids))

    def _told(self, account: Account) -> str:
        academy = self.directory.academy(account.academy)
        if academy is None:
            return "the Trust IT team"
        head = self.directory.person(academy.headteacher)
        it = self.directory.person(academy.it_contact)
        parts = [f"{p.name} ({what})" for p, what in ((head, "headteacher"), (it, "IT")) if p]
        return " and ".join(dict.fromkeys(parts))

    def _academy_name(self, account: Account) -> str:
        academy = self.directory.academy(account.academy)
        return academy.name if academy else account.academy

    def _people(self, ids: tuple[str, ...]) -> list[Person]:
        return [p for pid in ids if (p := self.directory.person(pid)) is not None]


_NOT_IN_DIRECTORY = "I can't find you in the trust directory, so I can't change academy accounts."
_GONE = "That button is out of date: the account or person has changed. Please start again."
_ONLY_ADMINS = (
    "Only the account's headteacher, or Trust IT, HR or admin staff, can hand over an account "
    "for someone else. If you're leaving, ask them, or hand over your own accounts."
)


def _is_question(text: str) -> bool:
    """A question about handover (for Q&A), as opposed to a request to do one."""
    return _QUESTION.match(text) is not None


def _named_account(text: str, accounts: list[Account]) -> Account | str | None:
    """The account the text names by @handle or id; the handle itself when it is unknown."""
    handles = _HANDLE.findall(text)
    if handles:
        key = handle_key(handles[0])
        return next((a for a in accounts if key in (a.id, handle_key(a.handle))), handles[0])
    words = {handle_key(w) for w in re.findall(r"[\w.-]+", text)}
    return next((a for a in accounts if words & {a.id, handle_key(a.handle)}), None)


def _narrow(accounts: list[Account], text: str) -> list[Account]:
    """The accounts that best fit words in the text ('the history twitter'), else all."""
    words = [_ALIASES.get(w, w) for w in re.findall(r"[a-z]+", text.lower())]
    words = [w for w in words if len(w) >= 4 and w not in _NOT_NAMES]

    def score(a: Account) -> int:
        where = f"{handle_key(a.handle)} {a.platform.lower()}"
        return sum(w in where for w in words)

    best = max(map(score, accounts))
    return [a for a in accounts if score(a) == best] if best else accounts


def _is_exact(person: Person, name: str) -> bool:
    wanted = name.strip().casefold()
    return wanted in (person.name.casefold(), person.id)


def _label(account: Account) -> str:
    return f"{account.handle} ({account.platform})"


def _names(directory: Directory, ids: tuple[str, ...]) -> str:
    return ", ".join(p.name if (p := directory.person(i)) else i for i in ids)


def _count(runners: int) -> str:
    return f"{runners} runner" if runners == 1 else f"{runners} runners"
