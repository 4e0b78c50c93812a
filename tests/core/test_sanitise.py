"""What people type is cleaned before it is kept, and credentials are never kept."""

from __future__ import annotations

import pytest

from bot.core.redaction import redact
from bot.core.sanitise import clean
from bot.core.secrets import looks_like_secret


@pytest.mark.parametrize(
    "text",
    [
        "my password is hunter2",
        "Password: Tr0ub4dor&3",
        "pw = letmein",
        "the login details are: admin / Summer2024!",
        "Summer2024!",
        "xoxb-123456-abcdef",
        "ghp_abcdefghijklmnopqrstuvwxyz0123",
        "a9F3kLm2Qx7Zp1Rw",
    ],
)
def test_passwords_and_tokens_are_spotted(text: str) -> None:
    assert looks_like_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "history@holycross.example.org; the app on the iPad with 2FA",
        "@HolyCross2024",
        "HolyCrossHistory2024",
        "Passwords will be reset by the Trust IT Team after handover.",
        "To share pupils' work with families, e.g. Year 7's projects.",
        "https://www.example.org/Policies/SocialMedia2024?x=1",
    ],
)
def test_ordinary_answers_are_not_mistaken_for_secrets(text: str) -> None:
    assert not looks_like_secret(text)


def test_control_characters_go_and_spacing_is_tidied() -> None:
    assert clean("  To\x00 share\u200b\tnews \r\n\n\x1b[31mwith families  ") == (
        "To share news\n[31mwith families"
    )


def test_stored_declined_questions_lose_secrets_emails_and_phone_numbers() -> None:
    said = "my fb password is Hunter22 so email a.b@school.org or ring 07700 900123"
    assert redact(said) == "my fb password is [secret] so email [email] or ring [phone]"
