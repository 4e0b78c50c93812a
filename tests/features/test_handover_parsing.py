"""Reading handover requests, and the values behind handover's buttons."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.features.handover import parsing
from bot.features.handover import wording as say
from bot.model.records import Account
from tests.helpers import demo_directory

HISTORY = Account(
    id="holy-cross-x-twitter-holycrosshistory",
    academy="holy-cross",
    platform="X/Twitter",
    handle="@HolyCrossHistory",
    runners=("jack-sampleton", "kate-mockett"),
    visibility="open",
    emails=("history@holycross.example.org",),
    comments_restricted=True,
    case_number=1,
    active=True,
)
PE = replace(
    HISTORY, id="holy-cross-instagram-holycrosspe", platform="Instagram", handle="@HolyCrossPE"
)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("handover", False),
        ("I'm leaving, hand over my accounts", False),
        ("what happens at handover?", True),
        ("who do I give the passwords to when handing over", True),
    ],
)
def test_a_question_about_handover_is_not_a_request(text: str, question: bool) -> None:
    assert parsing.mentions_handover(text)
    assert parsing.is_question(text) is question


def test_the_account_is_named_by_handle_or_id_and_an_unknown_handle_comes_back() -> None:
    accounts = [HISTORY, PE]
    assert parsing.named_account("handover @holycrosspe", accounts) == PE
    assert parsing.named_account(f"handover {HISTORY.id}", accounts) == HISTORY
    assert parsing.named_account("handover @Nowhere", accounts) == "@Nowhere"
    assert parsing.named_account("handover please", accounts) is None


def test_words_narrow_the_runners_accounts() -> None:
    assert parsing.narrow([HISTORY, PE], "hand over the insta") == [PE]
    assert parsing.narrow([HISTORY, PE], "hand over my accounts") == [HISTORY, PE]


def test_the_person_handed_over_for_and_the_person_added() -> None:
    assert parsing.named_for("handover @HolyCrossPE for Jack Sampleton") == "Jack Sampleton"
    assert parsing.named_for("handover for me") == ""
    assert parsing.add_request("please add Kate Mockett to @HolyCrossPE!") == (
        "Kate Mockett",
        "@HolyCrossPE",
    )
    assert parsing.add_request("add Kate Mockett") is None
    assert parsing.without_add("add Kate Mockett") == "Kate Mockett"
    assert parsing.handle_key(" @Holy Cross PE") == "holycrosspe"


def test_handover_buttons_keep_their_values() -> None:
    jack = demo_directory().person("jack-sampleton")
    assert jack is not None
    assert say.choose("yes", PE, jack, "Yes").value == f"handover:yes:{PE.id}:jack-sampleton"
    assert say.choose("for", "-", jack, "Jack").value == "handover:for:-:jack-sampleton"
    assert say.CANCEL.value == "handover:cancel"
    assert say.POLICY.value == "clause:handover.when-controller-trust"


def test_the_checklist_ends_with_resetting_the_passwords() -> None:
    directory = demo_directory()
    jack = directory.person("jack-sampleton")
    assert jack is not None
    checklist = say.Wording(directory).checklist(jack, HISTORY, ("kate-mockett", "long-gone"))
    assert "3. The academy takes over the account; runners now: Kate Mockett, long-gone" in (
        checklist
    )
    assert checklist.endswith("(now: history@holycross.example.org).")
