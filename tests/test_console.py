"""The console adapter, driven through pipes as `policybot chat` is."""

from __future__ import annotations

import io

from adapters.console import Console
from bot.messages import Choice, Reply
from bot.store import SqlStore
from tests.helpers import make_bot


async def run_console(store: SqlStore, lines: str, person: str = "demo-teacher") -> str:
    out = io.StringIO()
    console = Console(make_bot(store), store, person, io.StringIO(lines), out)
    await console.run("welcome")
    return out.getvalue()


async def test_piped_questions_are_answered_and_choices_numbered(store: SqlStore) -> None:
    out = await run_console(store, "someone left a nasty comment on our PE twitter, what now?\n")
    assert out.startswith("welcome\n")
    assert "[1]" in out and "Not helpful" in out
    assert "(type a number to pick)" in out
    assert out.rstrip().endswith("Bye.")


async def test_a_number_picks_a_choice(store: SqlStore) -> None:
    out = await run_console(store, "hello\nwhen is parents evening\n1\n")
    # The decline offers "What can you do?" as choice 1; picking it shows the help.
    assert "[1] What can you do?" in out
    assert "friend request from a parent" in out


async def test_quit_stops_before_later_lines(store: SqlStore) -> None:
    out = await run_console(store, "quit\nhello\n")
    assert "Hello" not in out
    assert out.rstrip().endswith("Bye.")


async def test_waiting_messages_are_shown_once_at_start(store: SqlStore) -> None:
    reply = Reply("Case HC-1 needs your decision", choices=(Choice("Approve", "approve:1"),))
    await store.enqueue("test:1", "frances-dummy", reply)
    first = await run_console(store, "", person="frances-dummy")
    assert "waiting for you" in first
    assert "Case HC-1 needs your decision" in first and "[1] Approve" in first
    second = await run_console(store, "", person="frances-dummy")
    assert "Case HC-1" not in second
    other = await run_console(store, "", person="demo-teacher")
    assert "waiting for you" not in other
