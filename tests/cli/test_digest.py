"""`policybot digest`: HR's monthly digest printed at the terminal, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from tests.apps import open_app, policybot
from tests.conftest import FakeClock
from tests.features.test_digest import seed_november


async def test_the_digest_command_prints_the_months_digest(
    tmp_path: Path, clock: FakeClock
) -> None:
    url = f"sqlite:///{tmp_path / 'policybot.db'}"
    app = await open_app(url, clock)
    try:
        clause = await seed_november(app, clock)
    finally:
        await app.close()

    done = policybot(url, "digest", "--month", "2026-11")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "Monthly policybot digest for November 2026, "
        "Diocese of Examplefield Catholic Academy Trust."
    )
    assert '• twice: "What time does the canteen open?"' in lines
    assert f"• {clause}: 1 not helpful, 0 helpful" in lines
    assert (
        "• Holy Cross Catholic High School, Examplefield: 3 of 6 (50%) for the 2026 reminder"
        in lines
    )
    assert lines[-1] == "• Holy Cross Catholic High School, Examplefield: 1"

    done = policybot(url, "digest", "--month", "2026-11", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["month"] == "2026-11"
    assert data["gaps"][1]["text"] == "can I claim mileage for the trip? ring [phone] or [email]"
    assert data["late_replies"][0]["late"] == 1
    assert data["safeguarding_routes"] == [{"academy": "holy-cross", "count": 1}]

    done = policybot(url, "digest", "--month", "November")
    assert done.returncode == 2
    assert done.stderr == "policybot: --month 'November' is not a month like 2026-11\n"
