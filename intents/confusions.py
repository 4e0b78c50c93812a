"""Real words typed for other real words ("loose my job", "there kids", "weather I can",
"brake the rules", "effect my job"),
put right where the neighbouring words say which was meant. A dictionary cannot catch these:
every word is spelled right, so the spelling corrector leaves them alone.

Each rule names the word typed, the word meant, and the words just before or just after it that
give the slip away. A word is only changed when its neighbours say so, so "a loose cable",
"there is", "the weather" and "everyone except me" stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PRONOUNS = _set("i we you they he she it")
_MODALS = _set(
    "to will would could should can might may must not dont didnt cant wont couldnt wouldnt "
    "shouldnt ill youll theyll well id wed gonna going do does did please pls"
)
_OWNED = _set(
    """kids kid children child son sons daughter daughters parents parent mum mums dad dads own
    account accounts page pages phone phones profile profiles post posts photo photos pics
    pictures picture details number numbers name names teacher teachers class classes school
    friends friend family families partner partners wife husband homework work opinions views
    privacy group groups comments social instagram facebook twitter tiktok students pupils
    child's colleagues colleague manager boss home address addresses email emails behaviour
    lives life personal private consent permission"""
)
_CLAUSE_STARTS = _set(
    "i we you it they he she or to this that these those its there their my our staff "
    "someone anyone people teachers parents pupils students"
)


@dataclass(frozen=True, slots=True)
class Confusion:
    """`typed` read as `meant` when the word before is in `before` or the word after in
    `after`, unless the word before is in `unless`."""

    typed: str
    meant: str
    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()

    def applies(self, previous: str, following: str) -> bool:
        if previous in self.unless:
            return False
        return previous in self.before or following in self.after


RULES: tuple[Confusion, ...] = (
    Confusion(
        "loose",
        "lose",
        before=_PRONOUNS | _MODALS | _set("might could"),
        after=_set("my your his her their our job jobs it them me him followers contract access"),
        unless=_set("a the too so very come came coming hang"),
    ),
    Confusion("there", "their", after=_OWNED, unless=_set("over in from out up down")),
    Confusion("their", "there", after=_set("is are was were isnt arent wasnt any anything anyone")),
    Confusion(
        "weather",
        "whether",
        after=_CLAUSE_STARTS,
        unless=_set("the bad good nice cold hot wet of about snowy stormy"),
    ),
    Confusion("principle", "principal", before=_set("deputy assistant vice our your my")),
    Confusion("principal", "principle", before=_set("in on")),
    Confusion(
        "advise",
        "advice",
        before=_set(
            "the some any for your my our good legal no this of seek seeking sought get getting "
            "need needs want hr union professional further their his her"
        ),
    ),
    Confusion(
        "advice",
        "advise",
        before=_PRONOUNS | _set("can could would should will please pls to"),
        after=_set("me us them him her on whether if what staff"),
        unless=_set("the some any for your my our good legal no this of"),
    ),
    Confusion(
        "aloud",
        "allowed",
        before=_set("i we you they he she be being been is are was were im theyre youre not"),
        after=_set("to"),
        unless=_set("read reading out laugh laughing think thinking wonder wondering said"),
    ),
    Confusion(
        "except",
        "accept",
        before=_PRONOUNS | _MODALS | _set("just ok okay fine"),
        after=_set(
            "friend friends request requests invitation invite invites follow follows "
            "connection connections gifts gift payment payments"
        ),
        unless=_set("everyone everybody all everything anyone anything nobody none nothing"),
    ),
    Confusion(
        "brake",
        "break",
        before=_PRONOUNS | _MODALS | _set("if ever accidentally"),
        after=_set("the a any this our my rules rule policy law contract confidentiality code"),
        unless=_set("hand car foot emergency the a"),
    ),
    Confusion(
        "effect",
        "affect",
        before=_PRONOUNS | _MODALS,
        after=_set(
            "my me us our your his her their them him anything whether staff pupils children "
            "job career"
        ),
        unless=_set(
            "the an any no side into of in cause causes have has had positive negative real "
            "big little what knock"
        ),
    ),
    Confusion(
        "complement",
        "compliment",
        before=_set("a lovely nice kind great huge big any such"),
        after=_set("on about from"),
    ),
    Confusion(
        "pubic",
        "public",
        before=_set("in the a to my your their our go went made make set be is are was"),
        after=_set(
            "profile profiles account accounts page pages post posts domain figure view comment "
            "comments forum forums group groups place places setting settings event events"
        ),
    ),
    Confusion(
        "sight",
        "site",
        before=_set("networking web social media news dating gossip review booking forum school"),
    ),
    Confusion(
        "stuff",
        "staff",
        before=_set("fellow support teaching admin office agency supply senior"),
        after=_set(
            "member members room meeting meetings only group groups chat training handbook "
            "party night photo photos account accounts page list briefing area"
        ),
    ),
    Confusion(
        "breech",
        "breach",
        before=_set("a the any in of serious data minor major this another potential gdpr"),
        after=_set("of the this policy gdpr data confidentiality"),
    ),
    Confusion(
        "ad",
        "add",
        before=_PRONOUNS | _MODALS | _set("just"),
        after=_set("me him her them parents pupils students colleagues friends people staff"),
        unless=_set("an the a facebook instagram paid google this that sponsored"),
    ),
    Confusion(
        "loosing",
        "losing",
        before=_set("am im be are is was were keep stop about risk risking"),
        after=_set("my your his her their our followers job it access"),
    ),
    Confusion("bare", "bear", after=_set("in")),
    Confusion("personal", "personnel", before=_set("authorised authorized")),
)
_BY_WORD = {r.typed: r for r in RULES}


def in_context(tokens: Sequence[str]) -> list[str]:
    """The tokens with each confusable word read as the one its neighbours point to."""
    out = list(tokens)
    for i, word in enumerate(tokens):
        rule = _BY_WORD.get(word)
        if rule is None:
            continue
        previous = tokens[i - 1] if i else ""
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if rule.applies(previous, following):
            out[i] = rule.meant
    return out


def confusable(tokens: Sequence[str]) -> bool:
    """True when any token is one a rule may change (most texts skip the pass)."""
    return not _BY_WORD.keys().isdisjoint(tokens)
