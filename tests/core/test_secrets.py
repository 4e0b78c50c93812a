"""Credentials as people paste them are refused wherever free text comes in, and look-alikes
are not: property tests over the ways people write them, then dialogues at the boundary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.secrets import find_secret, keepable, mask_secrets
from bot.storage.stores import Stores, memory_stores
from tests.helpers import Person, make_bot

WORDS = ["password", "Password", "PASSWORD", "pw", "pwd", "passcode", "pass", "login", "PIN"]
JOINERS = [" is ", ": ", " = ", " - ", " is now ", " for it is ", " for the account is "]
VALUES = st.from_regex(r"[A-Za-z]{3,8}[0-9]{1,4}[!?#]?", fullmatch=True)
CODES = st.from_regex(r"[0-9]{4,8}", fullmatch=True)


def _spaced_out(text: str) -> str:
    """The credential word's letters one by one ('p a s s w o r d is x'), as people dodge
    filters; a word shorter than four letters is left alone (too like ordinary text)."""
    letters = len(text) - len(text.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if letters < 4:
        return text
    return f"{' '.join(text[:letters])}{text[letters:]}"


DISGUISES = [
    lambda t: t,
    lambda t: t.upper(),
    lambda t: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in t),  # full width
    lambda t: "\u200b".join(t[:4]) + t[4:],  # zero-width spaces inside the word
    _spaced_out,  # p a s s w o r d
]
LOOK_ALIKES = [
    "the password reset policy",
    "pass the policy to staff",
    "a PIN badge",
    "what is the password policy for academy accounts",
    "who resets the login for the history account",
    "the password is stored by the trust IT team",
    "how often should passwords be changed",
    "can I use the same password for the school facebook",
    "pass rates in year 11 were 80%",
    "do I need a PIN to log in to the staff portal",
    "Passwords will be reset by the Trust IT Team after handover.",
    "history@holycross.example.org; the app on the iPad with 2FA",
    "HolyCrossHistory2024",
    "the login page is https://accounts.example.org/signin",
]


@settings(max_examples=300)
@given(
    st.sampled_from(WORDS),
    st.sampled_from(JOINERS),
    VALUES,
    st.sampled_from(DISGUISES),
    st.sampled_from(["", "my ", "the fb ", "our insta ", "fyi "]),
)
def test_a_credential_word_with_a_value_is_spotted_however_written(
    word: str, joiner: str, value: str, disguise: object, before: str
) -> None:
    text = disguise(f"{word}{joiner}{value}")  # type: ignore[operator]
    assert find_secret(before + text) is not None, before + text
    assert value not in mask_secrets(before + text)


def test_a_password_that_starts_like_an_address_is_still_a_password() -> None:
    assert find_secret("password is https2024") == "a password"
    assert find_secret("the insta login: HTTP0") == "login details"


@given(st.sampled_from(["PIN", "backup code is", "2fa code:", "pw", "recovery code ="]), CODES)
def test_codes_are_spotted(word: str, code: str) -> None:
    assert find_secret(f"{word} {code}") is not None


@pytest.mark.parametrize(
    "text",
    [
        "login: admin, pass: Summer2024",
        "my login is admin / Summer2024",
        "login details: user x pass y",
        "the password for it is bluesky99",
        "backup code is 8837 2291",
        "pw Summer2026",
        "api key sk-live-abcdef0123456789",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
    ],
)
def test_the_forms_staff_actually_paste_are_spotted(text: str) -> None:
    assert find_secret(text) is not None


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_refused(text: str) -> None:
    assert find_secret(text) is None


@pytest.fixture
def stores() -> Stores:
    return memory_stores(lambda: datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


async def test_a_pasted_password_is_refused_at_the_boundary_and_kept_nowhere(
    stores: Stores,
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says(
        "whats the policy on sharing logins? fyi our insta password is Sunflower7"
    )
    assert "looks like a password, so I have not saved it anywhere" in said
    assert "Trust IT Team" in said and "Liam Bytes" in said
    assert await stores.questions.top_declined() == []
    said = await dana.says("log a comment on @HolyCrossPE: password is Hunter2!")
    assert "not saved it anywhere" in said
    assert await stores.outbox.outbox_items() == []


@pytest.mark.parametrize(
    "text", ["token xoxb-123456789012-abcdefABCDEF", "use ghp_abcdefghijklmnopqrstuvwxyz0123456789"]
)
async def test_a_token_masked_at_the_platform_boundary_is_refused_not_taken_for_a_risk(
    stores: Stores, text: str
) -> None:
    # Slack and Teams keep the message masked ("token [secret:token]") until it is answered:
    # the refusal must come back, not the safeguarding lead's details.
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says(keepable(text))
    assert "looks like an access token, so I have not saved it anywhere" in said
    assert "safeguarding" not in said.lower()
