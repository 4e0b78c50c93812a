"""Reading handover requests, and the values behind handover's buttons."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.features.handover import parsing
from bot.features.handover import wording as say
from bot.features.handover.prompts import Prompt
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


NAMES = frozenset({"dana", "demo", "jack", "sampleton", "kate", "mockett"})


@pytest.mark.parametrize(
    ("line", "elsewhere"),
    [
        ("Dana Demo", False),
        ("jak sampelton", False),  # a misspelt name is still an answer
        ("Gandalf", False),
        ("not sure", False),
        ("who should I pick?", False),  # short: the question is asked again
        ("is Kate allowed to run it?", False),  # names someone: an answer
        ("thanks", True),
        ("OK", True),
        ("can staff post photos of pupils on the academy account?", True),
        ("what does the policy say about passwords", True),
        ("how many runners does an account need?", True),
        ("tell me about posting pupils photos on facebook", True),
    ],
)
def test_a_line_at_a_handover_question_clearly_asks_something_else(
    line: str, elsewhere: bool
) -> None:
    assert parsing.asks_something_else(line, NAMES) is elsewhere


@pytest.mark.parametrize(
    ("line", "handle"),
    [
        ("I have read the policy", ""),  # no account named
        ("I've now read and understood the Social Media Policy.", ""),
        ("I've read and understood the Social Media Policy for @HolyCrossPE.", "@HolyCrossPE"),
        ("I have read the policy for @HolyCrossPE", "@HolyCrossPE"),
        ("confirm @HolyCrossHistory", "@HolyCrossHistory"),
        ("confirm", None),
        ("read the policy", None),  # asks to read it: no confirmation
        ("I have read the policy for @HolyCrossPE but can I post photos?", None),
    ],
)
def test_a_runner_confirms_reading_the_policy_by_typing(line: str, handle: str | None) -> None:
    assert parsing.read_confirmation(line) == handle


def test_yes_cancel_and_help_at_a_handover_question() -> None:
    assert all(map(parsing.is_yes, ("yes", "Yes please!", "hand it over", "confirm")))
    assert not parsing.is_yes("yes but what about the passwords?")
    assert all(map(parsing.is_cancel, ("cancel", "No", "never mind")))
    assert all(map(parsing.asks_for_help, ("help", "handover help", "help with handing over")))
    assert not parsing.asks_for_help("helpful")


def test_an_open_question_survives_a_restart_and_older_states_still_load() -> None:
    state: dict[str, object] = {}
    Prompt("adding", HISTORY.id, added=("demo-teacher",)).save(state)
    saved = json.loads(json.dumps(state))  # as the conversation store keeps it
    assert Prompt.load(saved) == Prompt("adding", HISTORY.id, added=("demo-teacher",))
    assert Prompt.load({"handover": {"adding": PE.id}}) == Prompt("adding", PE.id)
    assert Prompt.load({"handover": {"step": "dancing"}}) is None
    assert Prompt.load({}) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Dana Demo", True),
        ("jak sampelton", True),
        ("kate", True),
        ("menu", False),  # one word that is no part of a name
        ("help", False),
        ("thanks", False),
        ("who is it?", False),
        ("I would like Dana Demo to run it please", False),
    ],
)
def test_a_line_with_no_question_open_could_be_a_name(line: str, name: bool) -> None:
    assert parsing.looks_like_name(line, NAMES) is name
