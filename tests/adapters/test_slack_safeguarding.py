"""Disclosures through Slack: every kind reaches the DSO first, the DSO gets an urgent DM on
request, and nothing of what was said is stored."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_slack import CLARA, Workspace, fake, slack
from tests.core.test_safeguarding import DISCLOSURES

__all__ = ["fake", "slack"]  # the fixtures this module borrows from test_slack
BERNARD = "U0DEMO002"  # bernard-sample, St Mary's DSO; Clara teaches at St Mary's


async def test_every_kind_of_disclosure_in_a_dm_names_the_dso_first(slack: Workspace) -> None:
    for category, disclosure in DISCLOSURES.items():
        [answer] = await slack.dm(CLARA, disclosure)
        first_line = answer.text.splitlines()[0]
        assert "safeguarding concern" in first_line, category
        assert "Bernard Sample" in first_line, category
        assert any(b["text"]["text"] == "Ask Bernard to contact me now" for b in answer.buttons)


async def test_the_contact_button_sends_the_dso_an_urgent_dm_without_the_text(
    slack: Workspace, tmp_path: Path
) -> None:
    [answer] = await slack.dm(CLARA, DISCLOSURES["grooming"])
    [*_, told] = await slack.click(CLARA, answer, "Ask Bernard to contact me now")
    assert "Sent: I've asked Bernard Sample to contact you now" in told.text
    urgent = await slack.delivered(BERNARD, "URGENT, safeguarding")
    assert "Clara" in urgent.text and "roblox" not in urgent.text
    stored = _stored_bytes(tmp_path)
    assert b"roblox" not in stored and b"meet her" not in stored


def _stored_bytes(folder: Path) -> bytes:
    """Everything the SQLite database holds on disk: the file and its write-ahead log."""
    return b"".join(f.read_bytes() for f in sorted(folder.glob("policybot.db*")))
