"""What handover says: every sentence, the policy's checklist, and the choices offered."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.actions import action
from bot.core.messages import Choice, Reply
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
STALE = (
    "The account or person I was asking about has changed since, so I've stopped that "
    "question. Please start again if you still need to."
)
STILL_OPEN = "Still open from before:"
"""Leads a handover question asked again after something else."""
CANCELLED = "Cancelled: nothing has changed."
NOBODY_ADDED = "OK, nobody has been added."
NO_MORE_ADDED = "OK, nobody else has been added. {handle} is run by {names}."
POLICY_HINT = " Ask 'what does the policy say about handover?' to read that part of the policy."

# Handing over
NOBODY_CALLED = "I can't find anyone called '{name}' in the trust directory."
DID_YOU_MEAN = "{intro} Did you mean one of these? Type the number or their full name, or 'cancel'."
SAY_FOR_WHOM = "{intro} Who is leaving? Type their full name, or 'cancel'."
WHOSE_AGAIN = "Whose account{on} is being handed over? Type their full name, or 'cancel'."
NOT_REGISTERED = "I can't find {handle} in the account register."
WHICH_ACCOUNT = (
    "Which account is being handed over? Type its number, handle or platform (e.g. 'the "
    "insta'), or 'cancel'."
)
WHICH_OF_THEIRS = (
    "Which of {runner}'s accounts is being handed over? Type its number, handle or platform, "
    "or 'cancel'."
)
NOT_THAT_ACCOUNT = "I can't tell which account you mean by '{text}'."
CONFIRM = (
    "Hand over {account}? {who} will be removed from its runners, "
    "and {told} will get the handover checklist."
)
LEAVES_TOO_FEW = " That leaves {runners}, so the headteacher will be asked to name a replacement."
TYPE_YES = " Type 'yes' to hand it over, or 'cancel'."
YES_OR_CANCEL = "I need a 'yes' or a 'cancel' to go on with handing over {handle}{for_whom}."
NO_LONGER_RUNS = "{runner} no longer runs {handle}: nothing to do."
HANDED_OVER = "{runner} has handed over {account}{by}. Please complete the handover:\n{checklist}"
DID_IT_FOR_THEM = " ({actor} did it for them)"
HANDED_OVER_FOR_YOU = (
    "{actor} has handed over {account} for you, so you no longer run it. Please pass all "
    "account information (logons, passwords, email addresses and access methods) to {told}."
)
NAME_A_REPLACEMENT = (
    "{handle} now has {runners} ({names}); at least two staff should run it. Who should also "
    "run it? Click 'Name a replacement', or type 'add NAME to {handle}'."
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
FOR_A_RUNNER = " Or type 'handover {handle} for NAME'."
ACCOUNTS_YOU_RUN = "Accounts you run: {accounts}."
YOU_RUN_NONE = "You don't run any accounts."
ACCOUNTS_THEY_RUN = "Accounts {runner} runs: {accounts}."
THEY_RUN_NONE = "{runner} doesn't run any accounts."

# Adding a runner
WHO_ELSE = (
    "Who should also run {handle}? Type their name (they must be staff of {academy}), "
    "or 'cancel'.{so_far}"
)
SO_FAR = " Added so far: {names}."
NOBODY_AT = "I can't find anyone called '{name}' at {academy}."
NOT_EXACTLY = (
    "I can't find '{name}' exactly. Did you mean one of these? Type the number or their full "
    "name, or 'cancel'."
)
WHICH_NEEDS = (
    "{handles} need another runner. Which should {person} run? Click one, or type e.g. "
    "'add {person} to {handle}'."
)
NOT_STAFF = "{person} isn't staff of {academy}, so they can't run {handle}."
ALREADY_RUNS = "{person} already runs {handle}."
YOU_WERE_ADDED = (
    "{actor} has added you as a runner of {account}. Everyone who runs an academy account must "
    "have read and understood the Social Media Policy: {url}\nOnce you have, click the button "
    "or type 'confirm {handle}'. Ask me anything about the policy."
)
READ_IT = "I have read and understood the policy"
NOW_RUN_BY = "Done. {handle} is now run by {names}."
ASKED_TO_READ = " {person} has been asked to confirm they have read the policy."
ADD_ANOTHER = " At least two staff should run it: who else? Type their name, or 'cancel'."
ONLY_LEADERS_ADD = "Only {academy}'s leadership team can add a runner to {handle}."

# Confirming the policy has been read
CONFIRMED_READING = (
    "Thank you: recorded that you have read and understood the policy, as a runner of {handle}."
)
ALREADY_CONFIRMED = "You have already confirmed you have read the policy for {handle}. Thank you."
NOT_A_RUNNER = "You don't run {handle}, so there's nothing to confirm for it."

HELP = (
    "Handing over an academy account, by typing (every button has one of these):\n"
    "• 'handover', or 'hand over @account': hand over an account you run, when you leave.\n"
    "• 'handover @account for NAME': the headteacher, or Trust IT, HR or admin staff, hand "
    "over for someone who is leaving or has left.\n"
    "• 'yes' hands it over once I have said what will happen; 'cancel' stops any handover "
    "question.\n"
    "• 'add NAME to @account': the academy's leadership team adds a runner. When I ask who "
    "should also run an account, just type the name.\n"
    "• 'confirm @account', or 'I have read the policy': a new runner confirms they have "
    "read and understood the Social Media Policy.\n"
    "• When I offer choices, type the number, the name or the handle instead of clicking.\n"
    "While I wait for an answer you can still ask me about the policy; answer when you're ready."
)


def label(account: Account) -> str:
    """'@HolyCrossPE (Instagram)'."""
    return f"{account.handle} ({account.platform})"


def count(runners: int) -> str:
    """'1 runner', '2 runners'."""
    return f"{runners} runner" if runners == 1 else f"{runners} runners"


def with_policy(text: str) -> Reply:
    """A refusal that offers the policy's handover section, by button or by asking."""
    return Reply(text + POLICY_HINT, choices=(POLICY,))


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
