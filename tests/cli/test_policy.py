"""HR publishes version 2.2: import, review, publish, and staff asked to re-read the policy."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import App
from bot.core.answers import Answerer
from bot.core.bot import Bot
from bot.core.safeguarding import Safeguarding
from bot.features.reminders.feature import RemindersFeature
from bot.jobs.scheduler import Worker
from intents.knowledge import KnowledgeBase
from intents.matcher import Matcher
from tests.apps import open_app
from tests.conftest import FakeClock
from tests.helpers import Person, answerer
from tests.policy_versions import data_copy, revised_text

ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
QUESTION = "how quickly do we have to deal with offensive comments on the school facebook page"


def policybot(db_url: str, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as HR runs it, on this database and knowledge base folder."""
    env = {**os.environ, "DATABASE_URL": db_url, "POLICYBOT_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "adapters", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def bot_on(app: App, data: Path) -> Bot:
    """The bot as `serve` starts it after the publish: the new knowledge base, the reminders."""
    kb = KnowledgeBase.load(data)
    answers = Answerer(kb, Matcher(kb), answerer().detector)
    safeguarding = Safeguarding(app.directory, app.outbox, app.safeguarding_stats, app.clock)
    features = [RemindersFeature(app.reminders)]
    return Bot(answers, app.directory, app.conversations, app.questions, safeguarding, features)


async def inbox(app: App, person: Person) -> str:
    person.replies = [item.reply for item in await app.outbox.pending_for(person.id)]
    return "\n".join(r.text for r in person.replies)


def point_intents_away_from_the_removed_clause(data: Path) -> None:
    """What HR does on review: the tone intents no longer name the removed bullet."""
    for f in (data / "intents").glob("*.yaml"):
        text = f.read_text(encoding="utf-8").replace(", tone.friendly-certain-platforms", "")
        text = text.replace("[tone.friendly-certain-platforms]", "[tone.tone-content-published]")
        f.write_text(text, encoding="utf-8")


async def test_hr_imports_reviews_and_publishes_a_new_version(
    db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    data = data_copy(tmp_path)
    new = tmp_path / "Social Media Policy v2.2.txt"
    new.write_text(revised_text(), encoding="utf-8")
    clock.now = datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)
    app = await open_app(db_url, clock, knowledge_dir=data)
    try:
        done = policybot(db_url, data, "policy", "import", str(new))
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert (
            "Imported v2.2 (01/2027) from Social Media Policy v2.2.txt: 1 changed, 2 new, " in out
        )
        assert "Handling abuse → Handling abusive comments" in out
        assert "now: When acting on behalf of the Trust or Academy, handle offensive comments " in (
            out
        )
        assert "offensive-comments-handling → abuse.when-acting-behalf (changed)" in out
        assert "tone-of-posts → tone.friendly-certain-platforms (removed: point it elsewhere" in out
        assert "Nothing is live yet" in out

        refused = policybot(db_url, data, "policy", "publish")
        assert refused.returncode == 2
        assert "intent tone-of-posts points at removed clause" in refused.stderr
        assert "queued" not in refused.stdout

        point_intents_away_from_the_removed_clause(data)
        done = policybot(db_url, data, "policy", "publish", "--now", "2027-01-04T09:00Z")
        assert done.returncode == 0, done.stderr
        assert "Published v2.2 (01/2027)" in done.stdout
        assert "Asked 11 of 11 staff to re-read the policy" in done.stdout
    finally:
        await app.close()

    app = await open_app(db_url, clock, knowledge_dir=data)
    try:
        bot = bot_on(app, data)
        dana, kate = Person(bot, "demo-teacher"), Person(bot, "kate-mockett")
        answer = " ".join((await dana.says(QUESTION)).replace("\n  > ", " ").split())
        assert "Handling abusive comments" in answer
        assert "handle offensive comments within one working day" in answer
        assert "(Social Media Policy v2.2 (01/2027), clause abuse.when-acting-behalf)" in answer

        message = await inbox(app, kate)
        assert "new version of the Social Media Policy, v2.2 (01/2027)" in message
        assert "• Reworded: Use of Social Media for Professional Purposes › Handling abusive" in (
            message
        )
        assert "• Removed: Use of Social Media for Professional Purposes › Tone: Friendly" in (
            message
        )
        assert "read the new version" in await kate.clicks("I have read the policy")
        assert "recorded that you have read" in await dana.says("I have read the policy")

        planned = await app.reminders.upcoming(clock.now, datetime(2027, 2, 1, tzinfo=LONDON))
        assert [(p.recipient, p.at) for p in planned if "summary:holy-cross" in p.key] == [
            ("frances-dummy", datetime(2027, 1, 18, 9, 0, tzinfo=LONDON))
        ]
        worker = Worker(app)
        assert (await worker.run_due(datetime(2027, 1, 18, 8, 59, tzinfo=LONDON))).reminders == 0
        assert (await worker.run_due(datetime(2027, 1, 18, 9, 0, tzinfo=LONDON))).reminders == 2
        [summary] = [i.reply.text for i in await app.outbox.pending_for("frances-dummy")][-1:]
        assert "New Social Media Policy v2.2 (01/2027), Holy Cross" in summary
        assert "2 of 6 staff have confirmed they read it" in summary
        assert "Not yet confirmed: Frances Dummy" in summary
    finally:
        await app.close()


def test_policy_commands_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    data = data_copy(tmp_path)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'policybot.db'}"
    missing = policybot(db_url, data, "policy", "import", str(tmp_path / "nowhere.docx"))
    assert missing.returncode == 2
    assert "nowhere.docx: no such file" in missing.stderr
    same = policybot(db_url, data, "policy", "import", str(data / "policy.txt"))
    assert same.returncode == 2
    assert "its newest version is 2.1, the one already live" in same.stderr
