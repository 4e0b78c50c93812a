"""A child at risk: the DSO first, in every kind of disclosure, for every kind of staff, and
nothing of what was said kept anywhere."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bot.core.messages import Message
from bot.features.cases import BusinessCaseFeature, Form
from bot.model.directory import Directory, DirectoryError
from bot.model.directory_file import DEMO_TRUST, parse_directory
from bot.storage.stores import Stores, memory_stores
from tests.conftest import FakeClock
from tests.helpers import Person, demo_directory, make_bot

# One message per kind of harm the issue names, as staff might type them.
DISCLOSURES = {
    "grooming": "a child told me an adult she met on roblox asked to meet her",
    "sexual_images": "one of my year 7s said an older man online asked him for photos",
    "abuse_home": "a pupil told me her stepdad hits her mum and she's scared to go home",
    "neglect": "one of my year 3s keeps coming in hungry, same clothes all week, no coat",
    "self_harm": "a year 10 posted on tiktok that she doesn't want to be here anymore",
    "bullying": "a year 8 is being cyberbullied in a whatsapp group, they told him to kill himself",
    "radicalisation": "a student keeps sharing extremist videos and says he's joining a group",
    "exploitation": "older lads on snapchat are paying one of my year 9s to carry packages",
    "missing": "a year 9 girl hasn't come home since she went to meet someone from instagram",
    "fgm_forced_marriage": "a pupil says she's being taken abroad in the summer to get married",
    "staff_conduct": "a colleague keeps messaging a year 10 late at night on a secret account",
    "harm_in_post": "a parent posted a video on facebook of a child being hit",
}
NO_ALARM_WORDS = "she keeps mentioning her 22-year-old boyfriend from an app"
BURIED = (
    "quick q about the class blog - can I post photos of the display? also a girl in my "
    "class said her uncle sends her messages and told her not to tell anyone. and do parents "
    "need to sign a form?"
)
HELEN = "Helen Proxy"  # Holy Cross's DSO in the demo trust; demo-teacher works there
BERNARD = "Bernard Sample"  # St Mary's DSO


@pytest.fixture
def stores() -> Stores:
    return memory_stores(lambda: datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize("category", sorted(DISCLOSURES))
async def test_every_kind_of_disclosure_names_the_dso_first(stores: Stores, category: str) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says(DISCLOSURES[category])
    first_line = said.splitlines()[0]
    assert "safeguarding concern" in first_line
    assert HELEN in first_line and "h.proxy@" in first_line
    assert "call 999" in said and "Don't copy, screenshot, forward" in said
    assert "Write down what you saw or were told" in said
    quote = dana.replies[0].quote
    assert quote is not None and quote.clause_id == "safeguarding-concerns.seek-dso-advice"
    assert "Ask Helen to contact me now" in [c.label for c in dana.replies[0].choices]


async def test_a_disclosure_with_no_alarm_word_reaches_the_dso(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    assert HELEN in (await dana.says(NO_ALARM_WORDS)).splitlines()[0]


async def test_a_disclosure_in_the_middle_of_another_question_reaches_the_dso(
    stores: Stores,
) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    assert HELEN in (await dana.says(BURIED)).splitlines()[0]


async def test_ordinary_questions_about_pupils_and_photos_are_not_routed(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    for question in (
        "can I post photos of sports day on the school instagram?",
        "a parent has sent me a friend request on facebook, can I accept?",
        "someone is trolling me on twitter about my teaching, what should I do?",
    ):
        assert "safeguarding concern" not in await dana.says(question)


async def test_trust_wide_staff_with_no_lead_see_every_dso_and_pick_the_childs_academy(
    stores: Stores,
) -> None:
    liam = Person(make_bot(stores), "liam-bytes")  # Trust IT, no academy
    said = await liam.says(DISCLOSURES["grooming"])
    assert "academy the child attends" in said
    assert BERNARD in said and HELEN in said
    labels = [c.label for c in liam.replies[0].choices]
    assert (
        "Ask Bernard Sample (St Mary's Catholic Primary School, Examplefield) to contact me now"
        in labels
    )
    sent = await liam.clicks("Ask Helen Proxy")
    assert "Sent: I've asked Helen Proxy to contact you now" in sent
    [row] = await stores.outbox.pending_for("helen-proxy")
    assert "Liam" in row.reply.text


def _with_lead(lead: str) -> Directory:
    data = yaml.safe_load(DEMO_TRUST.read_text(encoding="utf-8"))
    data["trust"]["safeguarding_lead"] = lead
    return parse_directory(data, "trust-with-lead.yaml")


async def test_trust_wide_staff_are_sent_to_the_trusts_safeguarding_lead(stores: Stores) -> None:
    directory = _with_lead("bernard-sample")
    mina = Person(make_bot(stores, directory=directory), "mina-peopleworth")  # HR
    said = await mina.says(DISCLOSURES["staff_conduct"])
    assert f"the trust's safeguarding lead today, before anything else: {BERNARD}" in said
    assert HELEN not in said


def test_a_safeguarding_lead_must_be_in_the_directory() -> None:
    with pytest.raises(DirectoryError, match="safeguarding_lead: no person with id 'nobody'"):
        _with_lead("nobody")


async def test_contact_me_reaches_the_dso_at_22_on_a_saturday_without_the_text() -> None:
    saturday_night = FakeClock(datetime(2026, 12, 5, 22, 0, tzinfo=UTC))
    stores = memory_stores(saturday_night)
    dana = Person(make_bot(stores, clock=saturday_night), "demo-teacher")
    await dana.says(DISCLOSURES["sexual_images"])
    said = await dana.clicks("Ask Helen to contact me now")
    assert said.startswith("Sent: I've asked Helen Proxy to contact you now")
    due = await stores.outbox.claim_due(saturday_night(), lease=timedelta(minutes=2))
    [urgent] = [i for i in due if i.recipient == "helen-proxy"]
    assert urgent.reply.text.startswith("URGENT, safeguarding: Dana")
    assert "22:00 on Saturday 5 December" in urgent.reply.text
    assert "photos" not in urgent.reply.text and "older man" not in urgent.reply.text
    # A double click in the same minute sends one message.
    await dana.says("ask the DSO to contact me please")
    assert len([i for i in await stores.outbox.outbox_items() if i.recipient == "helen-proxy"]) == 1


async def test_the_typed_request_works_without_a_button(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    said = await dana.says("can you ask my DSL to call me now")
    assert "Sent: I've asked Helen Proxy" in said
    assert len(await stores.outbox.pending_for("helen-proxy")) == 1


async def test_a_forged_contact_value_cannot_message_anyone_else(stores: Stores) -> None:
    dana = Person(make_bot(stores), "demo-teacher")
    replies = await dana.bot.handle(
        Message("demo-teacher", value="safeguarding:contact:jack-sampleton")
    )
    assert "only pass a safeguarding request to a DSO" in replies[0].text
    assert await stores.outbox.pending_for("jack-sampleton") == []


async def test_nothing_of_a_disclosure_is_kept_or_logged_only_a_count(
    stores: Stores, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dana = Person(make_bot(stores), "demo-teacher")
    secret = "my year 9 told me her coach sends her snaps at midnight and said keep it secret"
    await dana.says(secret)
    await dana.clicks("Ask Helen to contact me now")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "coach" not in logged and "midnight" not in logged
    assert await stores.questions.top_declined() == []
    texts = [i.reply.text for i in await stores.outbox.outbox_items()]
    assert texts and not any("coach" in t or "midnight" in t for t in texts)
    assert [(c.academy, c.month, c.count) for c in await stores.safeguarding.route_counts()] == [
        ("holy-cross", "2026-12", 1)
    ]
    assert not any(c.label in ("Helpful", "Not helpful") for c in dana.replies[0].choices)


async def test_a_disclosure_typed_into_a_form_is_not_kept_as_an_answer() -> None:
    clock = FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    s = memory_stores(clock)
    feature = BusinessCaseFeature(Form.load(), demo_directory(), s.cases, s.transactions)
    dana = Person(make_bot(s, [feature], clock), "demo-teacher")
    await dana.says("new account")
    said = await dana.says(DISCLOSURES["abuse_home"])
    assert HELEN in said.splitlines()[0]
    [draft] = await s.cases.of_requester("demo-teacher")
    assert "stepdad" not in repr(draft.answers)
