"""What `policybot` prints is safe for a terminal: text someone supplied can't recolour, retitle
or clear it, or reorder what is shown, and JSON output still carries the text exactly."""

from __future__ import annotations

import json

import pytest

from bot.cli.output import echo, echo_json
from tests.cli.test_cli import policybot

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil\u200b\x9b31m"
"""A window title, a clear-screen, a right-to-left override, a zero-width space, a C1 CSI."""
UNSAFE = ["\x1b", "\x07", "\u202e", "\u200b", "\x9b"]


def test_a_question_full_of_escapes_is_printed_without_them() -> None:
    question = f"what are the aims of this policy {HOSTILE}"
    plain = policybot("ask", question)
    assert plain.returncode == 0, plain.stderr
    assert [c for c in UNSAFE if c in plain.stdout] == []
    as_json = policybot("ask", "--json", question)
    assert [c for c in UNSAFE if c in as_json.stdout] == []
    assert json.loads(as_json.stdout)["question"] == question  # kept, as \\u escapes


def test_echo_drops_unsafe_characters_and_keeps_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    echo(f"Café {HOSTILE} ٣\tdone\nnext line \ud800")
    assert capsys.readouterr().out == "Café ]0;pwned[2Jevil31m ٣\tdone\nnext line \n"


def test_echo_json_escapes_unsafe_characters_so_the_data_survives(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = {"summary": f"Café {HOSTILE} \ud800"}
    echo_json(data)
    out = capsys.readouterr().out
    assert [c for c in [*UNSAFE, "\ud800"] if c in out] == []
    assert "Café" in out
    assert json.loads(out) == data
