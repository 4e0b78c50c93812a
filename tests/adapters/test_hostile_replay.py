"""Every hostile input the tests know, replayed at once at the real `serve` application
(bench/hostile.py): Slack, Teams and the comments API on a loopback port, a local stand-in for
the Slack Web API and the Bot Connector, the console, each credential and each look-alike sent
through every channel."""

from __future__ import annotations

from bench.hostile import main as replay


async def test_hostile_inputs_get_no_server_error_and_credentials_are_refused_everywhere() -> None:
    tally = await replay()
    assert tally.inputs > 250
    assert tally.server_errors == 0  # no 5xx, no error logged while handling them
    assert tally.secrets_missed == 0  # every credential refused by every channel
    assert tally.secrets_stored == 0  # and none of them anywhere in the database's files
    assert tally.false_refusals == 0  # no look-alike refused
