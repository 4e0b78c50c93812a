"""The App Home tab: greeting, how to ask, the person's cases and those waiting for them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.home import HomeTab, home_view
from adapters.slack.people import SlackPeople
from bot.features.cases.queries import CaseQueries
from bot.storage.stores import memory_stores
from tests.fake_slack import BOT_TOKEN, texts
from tests.fakes import Request, Response, local_server
from tests.helpers import demo_directory

DANA = "U0DEMO009"  # demo-teacher, Holy Cross
FRANCES = "U0DEMO006"  # frances-dummy, head of Holy Cross
JACK = "U0DEMO010"  # jack-sampleton, Holy Cross teacher (not leadership)


def _text(view: dict[str, Any]) -> str:
    return "\n".join(texts(view["blocks"]))


def test_the_home_tab_greets_the_person_lists_their_cases_and_tells_strangers_who_to_ask() -> None:
    directory = demo_directory()
    clara = directory.person("clara-testwell")
    home = home_view(directory, clara, ["SMA-1 <St Mary's PE> awaiting approval"])
    text = _text(home)
    assert home["type"] == "home"
    assert "Hello Clara!" in text
    assert "SMA-1 &lt;St Mary's PE&gt; awaiting approval" in text
    assert "You have no cases open." in _text(home_view(directory, clara))
    stranger = _text(home_view(directory, None))
    assert "can't find your Slack account" in stranger and "Mina Peopleworth" in stranger


async def test_the_published_tab_lists_own_cases_and_those_waiting_for_a_leaders_decision() -> None:
    stores = memory_stores(lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    case = await stores.cases.create("demo-teacher", "holy-cross")
    answers = {"platform": "X/Twitter", "handle": "@HolyCrossHistory"}
    await stores.cases.save_answers(case.number, "holy-cross", answers)
    assert await stores.cases.move(case.number, {"draft"}, "submitted")
    await stores.cases.give_reference(case.number)  # as submitting does

    def slack(request: Request) -> Response:
        assert request.path == "/api/views.publish" and request.bearer == BOT_TOKEN
        return Response(json={"ok": True, "view": request.body["view"]})

    directory = demo_directory()
    async with local_server(slack) as server:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=server.url("/api/"))
        people = SlackPeople(directory, client, stores.references)
        home = HomeTab(client, people, directory, CaseQueries(stores.cases, directory))
        for user in (DANA, FRANCES, JACK):
            await home.publish(user)
    dana, frances, jack = (e.request.body for e in server.exchanges)
    line = "SMA-0001 · X/Twitter @HolyCrossHistory · waiting for a decision"
    assert dana["user_id"] == DANA
    assert f"*Your cases*\n• {line}" in _text(dana["view"])
    assert "Waiting for your decision" not in _text(dana["view"])
    assert f"*Waiting for your decision*\n• {line}" in _text(frances["view"])
    assert "Waiting for your decision" not in _text(jack["view"])
