"""The command line built for one command reads its arguments as the whole one does."""

from __future__ import annotations

import argparse

import pytest

from adapters.cli import register
from bot.cli.main import CORE_COMMANDS, parser

GROUPS = (register, *CORE_COMMANDS)
COMMAND_LINES = [
    ["outbox"],
    ["outbox", "--json", "--limit", "3"],
    ["cases", "list"],
    ["cases", "show", "SMA-0001"],
    ["accounts", "list"],
    ["worker", "--once", "--now", "2026-12-07T09:00Z"],
    ["schedule", "--days", "3"],
    ["db", "upgrade"],
    ["ask", "can I friend a parent", "--json"],
    ["chat", "--user", "demo-teacher"],
    ["serve", "--port", "9"],
    ["teams-package", "--out", "x.zip"],
]


def parsed(p: argparse.ArgumentParser, line: list[str]) -> dict[str, object]:
    """What the parser reads, its functions by name (a lambda is made afresh per parser)."""
    values = vars(p.parse_args(line))
    return {k: getattr(v, "__qualname__", v) if callable(v) else v for k, v in values.items()}


@pytest.mark.parametrize("line", COMMAND_LINES, ids=" ".join)
def test_one_command_reads_as_the_whole_command_line(line: list[str]) -> None:
    assert parsed(parser(GROUPS, only=line[0]), line) == parsed(parser(GROUPS), line)


@pytest.mark.parametrize(
    "line", [["outbox", "--bogus"], ["cases"], ["cases", "--help"], ["db", "-h"], ["outbox", "-h"]]
)
def test_help_and_mistakes_read_the_same(
    line: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    said = []
    for p in (parser(GROUPS, only=line[0]), parser(GROUPS)):
        with pytest.raises(SystemExit) as exit_:
            p.parse_args(line)
        said.append((exit_.value.code, capsys.readouterr()))
    assert said[0] == said[1]


def test_an_unknown_command_is_refused_naming_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parser(GROUPS, only="outbx").parse_args(["outbx"])
    assert "invalid choice: 'outbx' (choose from 'chat', 'serve'" in capsys.readouterr().err
