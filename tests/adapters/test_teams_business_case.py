"""A business case for a new academy account, proposed and approved entirely in Teams.

Everything goes through the real serve application and the local Bot Connector: typed answers,
card buttons, approvals delivered from the outbox to each person's chat, cards closed after use.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.test_teams_http import Teams, User, running
from tests.conftest import FakeClock
from tests.fake_connector import Posted
from tests.features.test_business_case import ANSWERS_AFTER_STEP_4, ANSWERS_TO_STEP_4

DANA = "00000000-0000-4000-8000-000000000009"  # demo-teacher, Holy Cross
JACK = "00000000-0000-4000-8000-000000000010"  # jack-sampleton, Holy Cross
FRANCES = "00000000-0000-4000-8000-000000000006"  # frances-dummy, head of Holy Cross
AGNES = "00000000-0000-4000-8000-000000000001"  # agnes-example, head of another academy


@pytest.fixture
async def teams(db_url: str, clock: FakeClock) -> AsyncIterator[Teams]:
    async with running(db_url, clock, TEAMS_DEV_NO_AUTH="1") as teams:
        yield teams


def card_with(button: str, cards: list[Posted]) -> Posted:
    """The latest card offering this button."""
    return next(c for c in reversed(cards) if any(t.startswith(button) for t, _ in c.buttons))


async def test_a_case_is_proposed_confirmed_and_approved_with_card_buttons(teams: Teams) -> None:
    dana, jack, frances = (
        User(teams, DANA, "Dana Demo"),
        User(teams, JACK, "Jack Sampleton"),
        User(teams, FRANCES, "Frances Dummy"),
    )
    for person in (jack, frances):
        await person.installs_the_app()
    said = await dana.says("I want to set up a twitter account for the history department")
    assert "(Draft 1)" in said[0].text
    for answer in ANSWERS_TO_STEP_4[2:] + ANSWERS_AFTER_STEP_4:
        said = await dana.says(answer)
    review = card_with("Submit", said)
    assert "7. Who runs it: Dana Demo, Jack Sampleton" in review.text
    submitted = await dana.clicks("Submit", review)
    assert "Submitted SMA-0001" in "\n".join(c.text for c in submitted)
    await dana.clicks("I have read and understood the policy", card_with("I have read", submitted))

    await teams.deliver()
    [request] = teams.connector.sent_to(frances.chat)
    assert "New business case for a decision" in request.text
    [to_jack] = teams.connector.sent_to(jack.chat)
    assert "named you to help run the academy's X/Twitter account" in to_jack.text
    [thanks] = await jack.clicks("I have read and understood the policy", to_jack)
    assert "Thank you" in thanks.text

    await teams.deliver()
    update = teams.connector.sent_to(frances.chat)[-1]
    assert "Every runner has now confirmed" in update.text
    [recorded] = await frances.clicks("Approve", update)
    assert "Recorded: SMA-0001 approved" in recorded.text
    closed = next(u for u in teams.connector.updated if u.id == update.id)
    assert closed.buttons == [] and "✓ Frances Dummy chose: Approve" in closed.text

    await teams.deliver()
    approved = teams.connector.sent_to(dana.chat)[-1]
    assert "SMA-0001 (X/Twitter @HolyCrossHistory) was approved by Frances Dummy" in approved.text
    history = [e.action for e in await teams.core.audit.history("case:SMA-0001")]
    assert history[-1] == "approved"


async def test_an_approve_submit_from_outside_the_leadership_is_refused(teams: Teams) -> None:
    dana, frances, agnes = (
        User(teams, DANA, "Dana Demo"),
        User(teams, FRANCES, "Frances Dummy"),
        User(teams, AGNES, "Agnes Example"),
    )
    await frances.installs_the_app()
    await dana.says("new account")
    for answer in ANSWERS_TO_STEP_4[1:] + ANSWERS_AFTER_STEP_4:
        await dana.says(answer)
    await dana.says("submit")
    await teams.deliver()
    [request] = teams.connector.sent_to(frances.chat)
    approve = dict(request.buttons)["Approve"]
    # Agnes replays Frances's button data, even naming Frances's card: she is still Agnes.
    for outsider in (agnes, dana):
        [refused] = await outsider.send(outsider.activity(value=approve, replyToId=request.id))
        assert "Only the Academy Leadership Team of Holy Cross" in refused.text
        assert "Nothing has changed" in refused.text
    assert teams.connector.updated == []  # Frances's card still has its buttons
    assert "approved" not in [e.action for e in await teams.core.audit.history("case:SMA-0001")]
