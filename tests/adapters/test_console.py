"""The console adapter, driven through pipes as `policybot chat` is."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from adapters.console import Console
from bot.core.messages import Choice, Reply
from bot.storage.stores import Stores
from tests.conftest import FakeClock
from tests.features.test_business_case import ANSWERS_AFTER_STEP_4, ANSWERS_TO_STEP_4, bot_on
from tests.helpers import make_bot


async def run_console(stores: Stores, lines: str, person: str = "demo-teacher") -> str:
    out = io.StringIO()
    console = Console(make_bot(stores), stores.outbox, person, io.StringIO(lines), out)
    await console.run("welcome")
    return out.getvalue()


async def test_piped_questions_are_answered_and_choices_numbered(stores: Stores) -> None:
    out = await run_console(stores, "someone left a nasty comment on our PE twitter, what now?\n")
    assert out.startswith("welcome\n")
    assert "[1]" in out and "Not helpful" in out
    assert "(type a number to pick)" in out
    assert out.rstrip().endswith("Bye.")


async def test_a_number_picks_a_choice(stores: Stores) -> None:
    out = await run_console(stores, "hello\nwhen is parents evening\n1\n")
    # The decline offers "What can you do?" as choice 1; picking it shows the help.
    assert "[1] What can you do?" in out
    assert "friend request from a parent" in out


async def test_quit_stops_before_later_lines(stores: Stores) -> None:
    out = await run_console(stores, "quit\nhello\n")
    assert "Hello" not in out
    assert out.rstrip().endswith("Bye.")


async def test_waiting_messages_are_shown_once_at_start(stores: Stores) -> None:
    reply = Reply("Case HC-1 needs your decision", choices=(Choice("Approve", "approve:1"),))
    await stores.outbox.enqueue("test:1", "frances-dummy", reply)
    first = await run_console(stores, "", person="frances-dummy")
    assert "waiting for you" in first
    assert "Case HC-1 needs your decision" in first and "[1] Approve" in first
    second = await run_console(stores, "", person="frances-dummy")
    assert "Case HC-1" not in second
    other = await run_console(stores, "", person="demo-teacher")
    assert "waiting for you" not in other


async def test_a_business_case_across_three_console_sessions(stores: Stores) -> None:
    bot = bot_on(stores, FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC)))

    async def session(person: str, lines: list[str]) -> str:
        out = io.StringIO()
        lines_in = io.StringIO("".join(f"{x}\n" for x in lines))
        await Console(bot, stores.outbox, person, lines_in, out).run("")
        return out.getvalue()

    first = await session("demo-teacher", ANSWERS_TO_STEP_4)
    assert "Step 5 of 10" in first
    # Dana comes back later: the form carries on where it was.
    second = await session("demo-teacher", [*ANSWERS_AFTER_STEP_4, "submit", "1"])
    assert "Your business case SMA-0001 is still open where you left it" in second
    assert "Submitted SMA-0001" in second and "recorded that you have read" in second
    jack = await session("jack-sampleton", ["1"])
    assert "waiting for you" in jack and "[1] I have read and understood the policy" in jack
    assert "recorded that you have read" in jack
    frances = await session("frances-dummy", ["5"])
    # Two waiting messages: the request (choices 1-4, the last to remind the runners) and "every
    # runner has confirmed" (5-7).
    assert "[4] Remind Dana Demo, Jack Sampleton" in frances and "[5] Approve" in frances
    assert "Recorded: SMA-0001 approved" in frances
    dana = await session("demo-teacher", [])
    assert "SMA-0001 (X/Twitter @HolyCrossHistory) was approved by Frances Dummy" in dana
