"""Reading handover requests: the words that start one, the account named, the person meant."""

from __future__ import annotations

import re

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
_CANCEL = frozenset({"cancel", "stop", "never mind", "nevermind"})


def mentions_handover(text: str) -> bool:
    """Whether the text says 'handover', 'hand over' or 'handing over'."""
    return _KEYWORD.search(text) is not None


def is_question(text: str) -> bool:
    """A question about handover (for Q&A), as opposed to a request to do one."""
    return _QUESTION.match(text) is not None


def is_cancel(text: str) -> bool:
    """Whether the person called off what they were asked for."""
    return text.strip().lower() in _CANCEL


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
