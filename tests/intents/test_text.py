"""Small pieces the matcher and the store rely on: normalising, safeguarding cues, redaction."""

from __future__ import annotations

import pytest

from bot.core.redaction import redact
from bot.core.smalltalk import SmallTalk
from intents.safeguarding import SafeguardingCues
from intents.text import Normaliser
from tests.helpers import answerer


def terms(text: str) -> list[str]:
    return answerer().matcher.normaliser.terms(text)


def test_shorthand_and_synonyms_meet_the_same_terms() -> None:
    assert set(terms("fb pics of the kids")) == set(terms("Facebook photos of the pupils"))
    assert "message" in terms("can i dm a student")
    assert "friendrequest" in terms("got a frend req from a mum")


def test_typos_are_read_as_the_nearest_known_word() -> None:
    assert terms("pasword") == terms("password")
    assert terms("colegue") == terms("colleague")


def test_a_typo_in_a_phrasing_is_still_read_as_the_word_it_misspells() -> None:
    """Phrasings are written the way staff type; their slips must not become words."""
    kb = answerer().kb
    examples = ["what happens if sum1 breaks the socail media polcy", "can I post this"]
    normaliser = Normaliser(kb.lexicon, [*examples, "my colleague Claire posted it", "social"])
    assert normaliser.terms("socail media") == normaliser.terms("social media")
    assert normaliser.correct("claire") == "claire"  # a name, written with a capital


@pytest.mark.parametrize(
    ("text", "concern"),
    [
        ("a year 8 girl told me someone is sending her nudes", True),
        ("my colleague is messaging a pupil on snapchat late at night, I'm worried", True),
        ("a year 8 girl told me her stepdad hits her and she posted about it on tiktok", True),
        ("one of my boys said he's scared to go home, he messaged me on insta", True),
        ("a pupil's story shows her cutting herself", True),
        ("can I message my tutees on teams about homework", False),
        ("can I post the year 6 leavers' photos on the school facebook", False),
        ("what counts as a safeguarding concern about staff social media", False),
    ],
)
def test_safeguarding_cues(text: str, concern: bool) -> None:
    assert SafeguardingCues(answerer().kb.lexicon).is_concern(text) is concern


def test_contact_details_are_redacted() -> None:
    said = "call 07700 900123 or +44 (0)113 496 0000, or mail a.b@example.org; year 9 set 2"
    assert redact(said) == "call [phone] or [phone], or mail [email]; year 9 set 2"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", "greeting"),
        ("Good morning!", "greeting"),
        ("hi, what can you do?", "help"),
        ("thanks so much", "thanks"),
        ("hi can I add parents on facebook", None),
    ],
)
def test_small_talk(text: str, kind: str | None) -> None:
    assert SmallTalk(answerer().kb.lexicon).kind(text) == kind
