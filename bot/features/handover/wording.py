"""What handover says: every sentence, the policy's checklist, and the choices offered."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.actions import action
from bot.core.messages import Choice
from bot.model.directory import Directory, Person
from bot.model.records import Account

KIND = "handover"
"""The kind of every choice value this feature owns (`handover:yes:<account>:<person>`)."""
HANDOVER_CLAUSE = "handover.when-controller-trust"
"""The policy clause a refusal offers to show instead."""
POLICY = action("clause", HANDOVER_CLAUSE).choice("What the policy says about handover")
CANCEL = action(KIND, "cancel").choice("Cancel")

NOT_IN_DIRECTORY = "I can't find you in the trust directory, so I can't change academy accounts."
GONE = "That button is out of date: the account or person has changed. Please start again."
ONLY_ADMINS = (
    "Only the account's headteacher, or Trust IT, HR or admin staff, can hand over an account "
    "for someone else. If you're leaving, ask them, or hand over your own accounts."
)
CANCELLED = "Cancelled: nothing has changed."
NOBODY_ADDED = "OK, nobody has been added."

# Handing over
NOBODY_CALLED = "I can't find anyone called '{name}' in the trust directory."
DID_YOU_MEAN = "{intro} Did you mean one of these?"
SAY_FOR_WHOM = "{intro} Say e.g. 'handover @account for Jack Sampleton'."
NOT_REGISTERED = "I can't find {handle} in the account register."
WHICH_ACCOUNT = "Which account is being handed over?"
CONFIRM = (
    "Hand over {account}? {who} will be removed from its runners, "
    "and {told} will get the handover checklist."
)
LEAVES_TOO_FEW = " That leaves {runners}, so the headteacher will be asked to name a replacement."
NO_LONGER_RUNS = "{runner} no longer runs {handle}: nothing to do."
HANDED_OVER = "{runner} has handed over {account}{by}. Please complete the handover:\n{checklist}"
DID_IT_FOR_THEM = " ({actor} did it for them)"
HANDED_OVER_FOR_YOU = (
    "{actor} has handed over {account} for you, so you no longer run it. Please pass all "
    "account information (logons, passwords, email addresses and access methods) to {told}."
)
NAME_A_REPLACEMENT = (
    "{handle} now has {runners} ({names}); at least two staff should run it. Who should also "
    "run it? Reply e.g. 'add Kate Mockett to {handle}'."
)
DONE = (
    "Done. {who} been removed from the runners of {handle}, and {told} have the handover "
    "checklist:\n{checklist}"
)
CHECKLIST = (
    "{runner} passes all account information (logons, passwords, associated email addresses "
    "and access methods) to the headteacher or the Trust IT team.",
    "{runner} signs out of {handle} on every device and app.",
    "The academy takes over the account; runners now: {names} (at least two staff should be).",
    "Once handover is complete, reset the passwords and update the academy's record of logon "
    "email addresses (now: {emails}).",
)
NOT_THEIR_ACCOUNT = "{runner} doesn't run {what}. {runs}"
YOU_RUN_NOTHING = (
    "You don't run any academy account in the register, so there's nothing to hand over. If "
    "you hold an account's logins, pass them to your headteacher or the Trust IT team."
)
HAND_OVER_FOR_SOMEONE = (
    " To hand over for someone who is leaving, say 'handover @account for NAME'."
)
NOT_YOURS = "You don't run {handle}, so you can't hand it over. Its runners are {names}. {runs}"
ACCOUNTS_YOU_RUN = "Accounts you run: {accounts}."
YOU_RUN_NONE = "You don't run any accounts."
ACCOUNTS_THEY_RUN = "Accounts {runner} runs: {accounts}."
THEY_RUN_NONE = "{runner} doesn't run any accounts."

# Adding a runner
WHO_ELSE = (
    "Who should also run {handle}? Type their name (they must be staff of {academy}), or 'cancel'."
)
NOBODY_AT = "I can't find anyone called '{name}' at {academy}."
NOT_EXACTLY = "I can't find '{name}' exactly. Did you mean one of these?"
NOT_STAFF = "{person} isn't staff of {academy}, so they can't run {handle}."
ALREADY_RUNS = "{person} already runs {handle}."
YOU_WERE_ADDED = (
    "{actor} has added you as a runner of {account}. Please make sure you have read the "
    "Social Media Policy; ask me anything about it."
)
NOW_RUN_BY = "Done. {handle} is now run by {names}."
ADD_ANOTHER = " At least two staff should run it: 'add NAME to {handle}'."
ONLY_LEADERS_ADD = "Only {academy}'s leadership team can add a runner to {handle}."


def label(account: Account) -> str:
    """'@HolyCrossPE (Instagram)'."""
    return f"{account.handle} ({account.platform})"


def count(runners: int) -> str:
    """'1 runner', '2 runners'."""
    return f"{runners} runner" if runners == 1 else f"{runners} runners"


def choose(verb: str, account: Account | str, person: Person, text: str) -> Choice:
    """A button acting on the account (or its id, '-' for none) for the person."""
    account_id = account.id if isinstance(account, Account) else account
    return action(KIND, verb, account_id, person.id).choice(text)


class Wording:
    """The sentences that need the directory: names, who is told, the checklist."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    def names(self, ids: Iterable[str]) -> str:
        """'Jack Sampleton, Kate Mockett'; an id the directory no longer knows stays an id."""
        return self.directory.names_of(ids)

    def people(self, ids: Iterable[str]) -> list[Person]:
        """The people the directory still knows, in order."""
        return [p for pid in ids if (p := self.directory.person(pid)) is not None]

    def academy_name(self, account: Account) -> str:
        """The account's academy by name."""
        academy = self.directory.academy(account.academy)
        return academy.name if academy else account.academy

    def told(self, account: Account) -> str:
        """Who gets the account's information: 'Frances Dummy (headteacher) and Liam … (IT)'."""
        academy = self.directory.academy(account.academy)
        if academy is None:
            return "the Trust IT team"
        head = self.directory.person(academy.headteacher)
        it = self.directory.person(academy.it_contact)
        parts = [f"{p.name} ({what})" for p, what in ((head, "headteacher"), (it, "IT")) if p]
        return " and ".join(dict.fromkeys(parts))

    def runs(self, runner: Person, accounts: list[Account], actor: Person) -> str:
        """The accounts the runner runs, said to the actor."""
        theirs = "; ".join(label(a) for a in accounts if runner.id in a.runners)
        if runner.id == actor.id:
            return ACCOUNTS_YOU_RUN.format(accounts=theirs) if theirs else YOU_RUN_NONE
        if theirs:
            return ACCOUNTS_THEY_RUN.format(runner=runner.name, accounts=theirs)
        return THEY_RUN_NONE.format(runner=runner.name)

    def checklist(self, runner: Person, account: Account, remaining: tuple[str, ...]) -> str:
        """The numbered steps from the policy's Handover section, ending with the passwords."""
        values = {
            "runner": runner.name,
            "handle": account.handle,
            "names": self.names(remaining) or "nobody",
            "emails": ", ".join(account.emails) or "none recorded",
        }
        return "\n".join(f"{n}. {step.format(**values)}" for n, step in enumerate(CHECKLIST, 1))
