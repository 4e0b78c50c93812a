"""Reading handover requests: the words that start one, the account named, the person meant,
and what a line typed at a handover question means."""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.model.directory import Person
from bot.model.records import Account, handle_key

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
_ADD_WORD = re.compile(r"^\s*add\s+", re.IGNORECASE)
_ALIASES = {"fb": "facebook", "ig": "instagram", "insta": "instagram", "tweets": "twitter"}
_NOT_NAMES = {"hand", "handing", "over", "handover", "leaving", "please", "account", "school"}
_CANCEL = frozenset({"cancel", "stop", "never mind", "nevermind", "no", "no thanks"})
_YES = frozenset(
    {"yes", "y", "yes please", "yep", "yeah", "ok yes", "go ahead", "do it", "confirm"}
    | {"yes hand it over", "hand it over", "yes, hand it over"}
)
_COURTESY = frozenset({"thanks", "thank you", "thankyou", "cheers", "ta", "ok", "okay", "hi"})
_COURTESY |= {"hello", "hiya", "good morning", "good afternoon"}
_HELP = re.compile(
    r"\W*(?:help|help\s+(?:with\s+|me\s+with\s+)?hand(?:ing)?[\s-]*over"
    r"|hand(?:ing)?[\s-]*over\s+help|what\s+can\s+i\s+type)\W*",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_POLICY_WORD = re.compile(
    r"polic(?:y|ies)|social|media|post(?:s|ing|ed)?|photos?|pictures?|images?|videos?"
    r"|pupils?|students?|parents?|child(?:ren)?|friend(?:s|ing)?|facebook|twitter|instagram"
    r"|tiktok|whatsapp|youtube|linkedin|snapchat|passwords?|comments?|personal|private"
    r"|safeguarding|messag(?:e|es|ing)|online|allowed|rules|disciplinary|handover|logins?"
)
_READ = re.compile(
    r"\s*(?:i\s*(?:have|'ve|’ve)|ive)\s+(?:now\s+)?read\s+(?:and\s+understood\s+)?"
    r"(?:the\s+)?(?:social\s+media\s+)?policy(?:\s+(?:for\s+)?(?P<handle>@[\w.]*\w))?\s*[.!]?\s*",
    re.IGNORECASE,
)
_CONFIRM = re.compile(r"\s*confirm\s+(?:for\s+)?(?P<handle>@[\w.]*\w)\s*[.!]?\s*", re.IGNORECASE)


def mentions_handover(text: str) -> bool:
    """Whether the text says 'handover', 'hand over' or 'handing over'."""
    return _KEYWORD.search(text) is not None


def is_question(text: str) -> bool:
    """A question about handover (for Q&A), as opposed to a request to do one."""
    return _QUESTION.match(text) is not None


def is_cancel(text: str) -> bool:
    """Whether the person called off what they were asked for."""
    return text.strip().lower() in _CANCEL


def is_yes(text: str) -> bool:
    """Whether the person said yes to a handover they were asked to confirm."""
    return text.strip().strip(".!").lower() in _YES


def asks_for_help(text: str) -> bool:
    """'help', 'handover help', 'help with handing over', 'what can I type?'."""
    return _HELP.fullmatch(text) is not None


def is_courtesy(text: str) -> bool:
    """'thanks', 'ok', 'hello' and the like."""
    return text.strip().strip(".!").lower() in _COURTESY


def looks_like_name(text: str, names: Collection[str]) -> bool:
    """Whether a line with no question open could be someone's name: one to four words, not a
    question, small talk or a request for help, and two words or a part of a staff name."""
    words = _WORD.findall(text.lower())
    if not 1 <= len(words) <= 4 or is_question(text) or is_courtesy(text) or asks_for_help(text):
        return False
    return len(words) >= 2 or words[0] in names


def asks_something_else(text: str, names: Collection[str]) -> bool:
    """Whether a line typed at a handover question clearly asks something else, so it goes on
    to the policy's answers and the question waits.

    `names` are the lower-case parts of the names of the staff who could be meant; a line with
    one of them is an answer. Otherwise small talk is something else, and so is a question about
    the policy (a question with a policy word, or a question of five words or more), and a
    statement of five words or more with a policy word. Short lines are answers, even wrong
    ones, so the question is asked again instead.
    """
    if is_courtesy(text):
        return True
    words = _WORD.findall(text.lower())
    if not words or any(w in names for w in words):
        return False
    about_policy = any(_POLICY_WORD.fullmatch(w) for w in words)
    if is_question(text):
        return about_policy or len(words) >= 5
    return about_policy and len(words) >= 5


def name_words(name: str) -> list[str]:
    """The lower-case words of a name ('Jack Sampleton' -> ['jack', 'sampleton'])."""
    return _WORD.findall(name.lower())


def read_confirmation(text: str) -> str | None:
    """'@X' from 'confirm @X' or 'I have read the policy for @X'; '' from 'I have read (and
    understood) the policy', which names no account; None for anything else."""
    found = _CONFIRM.fullmatch(text) or _READ.fullmatch(text)
    return None if found is None else found["handle"] or ""


def add_request(text: str) -> tuple[str, str] | None:
    """(name, account as typed) from 'add Kate Mockett to @HolyCrossPE'; None otherwise."""
    found = _ADD.fullmatch(text)
    return (found["name"], found["account"]) if found else None


def without_add(text: str) -> str:
    """A typed name without a leading 'add' ('add Kate Mockett' -> 'Kate Mockett')."""
    return _ADD_WORD.sub("", text)


def named_for(text: str) -> str:
    """The person a handover is 'for' ('handover @x for Jack Sampleton'); '' for oneself."""
    found = _FOR.search(_HANDLE.sub(" ", text))
    name = found["name"].strip() if found else ""
    return "" if name.lower() in _SELF else name


def named_account(text: str, accounts: list[Account]) -> Account | str | None:
    """The account the text names by @handle or id; the handle itself when it is unknown."""
    handles = _HANDLE.findall(text)
    if handles:
        key = handle_key(handles[0])
        return next((a for a in accounts if key in (a.id, handle_key(a.handle))), handles[0])
    words = {handle_key(w) for w in re.findall(r"[\w.-]+", text)}
    return next((a for a in accounts if words & {a.id, handle_key(a.handle)}), None)


def narrow(accounts: list[Account], text: str) -> list[Account]:
    """The accounts that best fit words in the text ('the history twitter'), else all."""
    words = [_ALIASES.get(w, w) for w in re.findall(r"[a-z]+", text.lower())]
    words = [w for w in words if len(w) >= 4 and w not in _NOT_NAMES]

    def score(a: Account) -> int:
        where = f"{handle_key(a.handle)} {a.platform.lower()}"
        return sum(w in where for w in words)

    best = max(map(score, accounts))
    return [a for a in accounts if score(a) == best] if best else accounts


def is_exact(person: Person, name: str) -> bool:
    """Whether the name is exactly the person's name or id (any letter case)."""
    wanted = name.strip().casefold()
    return wanted in (person.name.casefold(), person.id)
