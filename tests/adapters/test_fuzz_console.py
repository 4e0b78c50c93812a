"""Hypothesis types odd lines into `policybot chat` (the console on the real app, SQLite): every
line gets an answer, never the apology for a failure, and no traceback reaches the logs."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console import Console
from adapters.replies import SORRY
from bench.hostile_inputs import CONSOLE_LINES, LOOKALIKES, SECRETS
from bot.app import App
from tests.apps import open_app
from tests.conftest import FakeClock

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WORDS = ["1", "2", "3", "help", "case", "yes", "no", "back", "cancel", "comment", "0", "٣"]
lines = st.lists(
    st.text(max_size=60)
    | st.sampled_from(CONSOLE_LINES + WORDS + [t for t, _ in SECRETS] + LOOKALIKES),
    min_size=1,
    max_size=5,
)


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """The app `policybot chat` builds, on a SQLite file."""
    opened = await open_app(f"sqlite:///{tmp_path / 'console.db'}", clock)
    try:
        yield opened
    finally:
        await opened.close()


async def chat(app: App, typed: list[str], person: str = "clara-testwell") -> str:
    """What the console prints for these lines, typed one after another."""
    out = io.StringIO()
    stdin = io.StringIO("".join(f"{line}\n" for line in typed))
    await Console(app.bot, app.outbox, person, stdin, out).run("welcome")
    return out.getvalue()


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Log lines that carry a traceback."""
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_each_hostile_line_gets_an_answer(app: App, caplog: pytest.LogCaptureFixture) -> None:
    out = await chat(app, CONSOLE_LINES)
    assert out.rstrip().endswith("Bye.")
    assert SORRY not in out
    assert out.count("bot> ") >= len([line for line in CONSOLE_LINES if line.strip()])
    assert tracebacks(caplog) == []


@FUZZ
@given(typed=lines)
async def test_any_lines_get_answers_and_never_the_apology(
    app: App, caplog: pytest.LogCaptureFixture, typed: list[str]
) -> None:
    caplog.set_level(logging.INFO)
    out = await chat(app, typed)
    assert out.rstrip().endswith("Bye.")
    assert SORRY not in out
    assert tracebacks(caplog) == []
