"""HR's views: `policybot feedback` (answers marked not helpful, with the question) and
`policybot gaps` without form noise, after real conversations."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.messages import Message
from tests.apps import policybot
from tests.conftest import FakeClock, sql_stores
from tests.helpers import Person, make_bot


async def test_hr_sees_which_answers_were_not_helpful_and_what_was_asked(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'hr.db'}"  # the commands are the same on PostgreSQL
    assert policybot(url, "db", "upgrade").returncode == 0
    stores = sql_stores(url, clock)
    try:
        bot = make_bot(stores)
        dana, kate = Person(bot, "demo-teacher"), Person(bot, "kate-mockett")
        await dana.says("can I accept a friend request from a parent?")
        clause = dana.replies[0].quote.clause_id if dana.replies[0].quote else None
        assert "HR reviews answers marked not helpful" in await dana.clicks("Not helpful")
        await kate.says("Can I accept a friend request from a parent")
        await kate.clicks("Not helpful")
        await kate.says("can I accept a friend request from a parent?")
        await kate.clicks("Helpful")  # helpful votes are not listed
        await dana.says(
            "can I post photos from sports day on my own instagram, asked by dana.home@gmail.com"
        )
        await dana.clicks("Not helpful")
        forged = f"feedback:down:{clause}::can I share the login: admin pass: Summer2024 ?"
        await bot.handle(Message("jack-sampleton", value=forged))  # a vote made up by hand
    finally:
        await stores.close()
    listed = policybot(url, "feedback", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["question"].lower().rstrip("?"), r["clause_id"], r["count"]) for r in rows[:1]] == [
        ("can i accept a friend request from a parent", clause, 2)
    ]
    assert sorted(str(r["question"]) for r in rows[1:]) == [
        "None",  # the made-up vote held a credential, so its question was not kept
        "can I post photos from sports day on my own instagram, asked by [email]",
    ]
    assert "gmail" not in listed.stdout
    assert "Summer2024" not in listed.stdout and "admin" not in listed.stdout
    text = policybot(url, "feedback").stdout.splitlines()
    assert text[0].startswith("    2  2025-03-01  ")
    assert text[0].endswith(f"{clause}  Can I accept a friend request from a parent")


async def test_form_noise_is_not_kept_as_a_gap_but_real_questions_are(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'gaps.db'}"
    assert policybot(url, "db", "upgrade").returncode == 0
    stores = sql_stores(url, clock)
    try:
        jack = Person(make_bot(stores), "jack-sampleton")
        for noise in ("cancel", "submit", "2", "Kate Mockett", "yes", "back"):
            said = await jack.says(noise)
            assert "Sorry, I didn't follow that" in said and "I've noted" not in said
        said = await jack.says("who is on bus duty this week?")
        assert "I've noted the question so HR can see what staff need" in said
    finally:
        await stores.close()
    gaps = policybot(url, "gaps", "--json")
    assert [json.loads(line)["text"] for line in gaps.stdout.splitlines()] == [
        "who is on bus duty this week?"
    ]
    assert policybot(url, "feedback").stdout == "No answers have been marked not helpful yet.\n"
