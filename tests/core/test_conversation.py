"""Conversations with the core bot, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import text

from bot.storage.stores import Stores
from tests.conftest import FakeClock, sql_stores
from tests.helpers import Person, make_bot

HANDOVER = "Passwords should be reset once handover has been completed."


async def test_greeting_help_and_thanks(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    assert "Hello Dana" in await dana.says("hiya")
    assert "friend request from a parent" in await dana.says("what can you do?")
    assert "welcome" in await dana.says("cheers!")


async def test_a_question_gets_the_clause_verbatim_with_section_and_version(
    stores: Stores,
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says("im leaving in july, who do i hand the dept insta over to?")
    assert "Use of Social Media for Professional Purposes › Handover" in said
    assert "Passwords should be reset once" in said
    assert "v2.1 (09/2020)" in said
    quote = dana.replies[0].quote
    assert quote is not None and HANDOVER in quote.text
    assert [c.label for c in dana.replies[0].choices][-2:] == ["Helpful", "Not helpful"]


async def test_feedback_is_stored(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    await dana.says("who gets the password when the person running our school twitter leaves")
    assert "glad it helped" in await dana.says(str(len(dana.replies[0].choices) - 1))
    async with stores.database.engine.connect() as conn:
        rows = (await conn.execute(text("select clause_id, helpful from feedback"))).all()
    assert [(r[0], bool(r[1])) for r in rows] == [("handover.when-controller-trust", True)]


async def test_out_of_scope_is_declined_and_recorded_without_contact_details(
    stores: Stores,
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says(
        "when is the next inset day? ring me on 07700 900123 or dana@example.org"
    )
    assert "can't find anything in the Social Media Policy" in said
    assert dana.replies[0].quote is None
    gaps = await stores.questions.top_declined()
    assert len(gaps) == 1
    assert "07700" not in gaps[0].text and "dana@example.org" not in gaps[0].text
    assert "[phone]" in gaps[0].text and "[email]" in gaps[0].text


async def test_safeguarding_concern_goes_to_the_academys_dso_first(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says(
        "I'm worried - a colleague keeps messaging a year 9 girl on snapchat late at night"
    )
    first_line = said.splitlines()[0]
    assert "safeguarding" in first_line.lower()
    assert "Helen" in first_line  # Holy Cross's Designated Safeguarding Officer
    assert "Concerns about Safeguarding" in said
    quote = dana.replies[0].quote
    assert quote is not None and quote.text.endswith("Academy Designated Safeguarding Officer.")


async def test_a_restart_mid_conversation_keeps_the_offered_choices(
    stores: Stores, db_url: str, clock: FakeClock
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    await dana.says("can i put pics of my class on my own instagram")
    offered = [c.label for c in dana.replies[0].choices]
    assert "Not helpful" in offered
    # A new bot and new stores on the same database: the process restarted.

    restarted = sql_stores(db_url, clock)
    try:
        dana_again = Person(make_bot(restarted), "demo-teacher")
        said = await dana_again.says(str(offered.index("Not helpful") + 1))
        assert "Thanks for telling me" in said
    finally:
        await restarted.close()


async def test_any_unicode_digit_or_none_is_safe_where_a_choice_number_is_expected(
    stores: Stores,
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    await dana.says("help")
    for typed in ("¹", "²³", "Ⅻ", "٣", "0", "99999999999999999999", "7" * 5000):
        said = await dana.says(typed)  # a superscript passes isdigit() but int() refuses it
        assert said
        assert "something went wrong" not in said  # int() refuses 5,000 digits too
    await dana.says("who gets the password when the person running our school twitter leaves")
    helpful = len(dana.replies[0].choices) - 1
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in str(helpful))
    assert "glad it helped" in await dana.says(arabic_indic)  # the same number, in another script


async def test_a_declined_question_is_stored_without_control_or_bidi_characters(
    stores: Stores,
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    await dana.says("when is the\x1b[31m inset\x07 day\x00 \u202eyadnom\u202c next term?")
    [gap] = await stores.questions.top_declined()
    assert not any(ch in gap.text for ch in "\x1b\x07\x00\u202e\u202c")
    assert "inset" in gap.text and "day" in gap.text
