"""The `policybot` command line: chat, ask, cases, accounts, comments, worker, serve and more."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from textwrap import indent
from typing import Any

from bot.answers import Answer, Answerer
from bot.errors import UserError

USAGE_ERROR = 2


class CommandError(UserError):
    """A problem the person at the terminal can fix; printed without a traceback."""


def _settings() -> Any:
    from bot.settings import Settings

    return Settings.from_env(os.environ)


def answer_json(answer: Answer, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `ask --json` object for one answer."""
    from bot.core import DECLINE

    clause = answer.clause if answer.answered else None
    return {
        **(extra or {}),
        "question": answer.question,
        "answered": answer.answered,
        "clause_id": clause.id if clause else None,
        "section": clause.heading if clause else None,
        "text": answer.text if clause else DECLINE,
        "score": round(answer.score, 4),
        "safeguarding": answer.safeguarding,
        "alternatives": [
            {"clause_id": a.clause.id, "section": a.clause.heading, "score": round(a.score, 4)}
            for a in answer.alternatives[:5]
        ],
    }


def _batch(path: str) -> Iterator[tuple[dict[str, Any], str]]:
    """(fields to carry through, question) for each line of a JSON Lines or plain text file."""
    stream = sys.stdin if path == "-" else Path(path).open(encoding="utf-8")  # noqa: SIM115
    with stream:
        for n, raw in enumerate(stream, 1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("{"):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{path}:{n}: not valid JSON: {exc.msg}") from exc
                if not isinstance(record.get("q"), str):
                    raise CommandError(f'{path}:{n}: a JSON line needs a text field "q"')
                yield ({"id": record["id"]} if "id" in record else {}), record["q"]
            else:
                yield {}, line


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def cmd_ask(args: argparse.Namespace) -> None:
    """Answer questions from the command line, one JSON object per line with --json."""
    from bot.answers import build_answerer

    answerer: Answerer = build_answerer()
    if args.batch:
        items: Iterator[tuple[dict[str, Any], str]] = _batch(args.batch)
    elif args.question:
        items = iter([({}, " ".join(args.question))])
    else:
        raise CommandError("ask what? Give a question, or --batch FILE (- for stdin)")
    for extra, question in items:
        answer = answerer.answer(question)
        if args.json:
            print(json.dumps(answer_json(answer, extra), ensure_ascii=False), flush=False)
        elif answer.answered and answer.clause:
            note = "  [safeguarding: speak to your DSO first]" if answer.safeguarding else ""
            quote = indent(answer.quote or answer.clause.text, "  ")
            print(
                f"{answer.clause.heading}{note}\n{quote}\n"
                f"  (clause {answer.clause.id}, score {answer.score:.2f})"
            )
        else:
            print(f"(declined, best score {answer.score:.2f}) {question}")
    sys.stdout.flush()


def cmd_intents_check(_args: argparse.Namespace) -> None:
    """Validate the knowledge base: clauses verbatim, intents point at real clauses, no clashes."""
    from intents.knowledge import KnowledgeBase

    kb = KnowledgeBase.load()
    problems = kb.problems()
    if problems:
        raise CommandError(
            f"{len(problems)} problem(s) in the knowledge base:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    examples = sum(len(i.examples) for i in kb.intents)
    print(
        f"ok: {len(kb.clauses)} clauses of policy v{kb.policy.version} ({kb.policy.date}), "
        f"{len(kb.intents)} intents, {examples} example phrasings"
    )


async def _chat(args: argparse.Namespace) -> None:
    from adapters.console import Console
    from bot.app import build_app

    settings = _settings()
    app = await build_app(settings)
    try:
        person_id = args.user or settings.default_user
        person = app.directory.person(person_id)
        if person is None:
            ids = ", ".join(p.id for p in app.directory.people)
            raise CommandError(f"--user {person_id!r} is not in the trust directory. Try: {ids}")
        academy = app.directory.academy_of(person)
        where = f", {academy.name}" if academy else ""
        banner = (
            f"policybot — {app.directory.trust.name}\n"
            f"You are {person.name} ({person.role}{where}). Ask about the Social Media "
            "Policy; 'help' for ideas, 'quit' to leave."
        )
        await Console(app.bot, app.store, person.id).run(banner)
    finally:
        await app.close()


async def _gaps(args: argparse.Namespace) -> None:
    from bot.app import build_app

    app = await build_app(_settings())
    try:
        rows = await app.store.top_declined(args.limit)
    finally:
        await app.close()
    if args.json:
        for r in rows:
            print(
                json.dumps({"text": r.text, "count": r.count, "last_seen": r.last_seen.isoformat()})
            )
        return
    if not rows:
        print("No declined questions yet.")
    for r in rows:
        print(f"{r.count:5d}  {r.last_seen:%Y-%m-%d}  {r.text}")


def case_json(case: Any, history: list[Any]) -> dict[str, Any]:
    """The `cases --json` object for one case."""
    return {
        "id": case.id,
        "status": case.status,
        "academy": case.academy,
        "requester": case.requester,
        "answers": case.answers,
        "runners": [
            {
                "person": r,
                "confirmed_at": case.confirmations[r].isoformat()
                if r in case.confirmations
                else None,
            }
            for r in case.runners
        ],
        "decision": None
        if case.decided_by is None
        else {
            "status": case.status,
            "by": case.decided_by,
            "at": case.decided_at.isoformat() if case.decided_at else None,
            "note": case.decision_note,
        },
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "history": [
            {"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail}
            for e in history
        ],
    }


async def _cases(args: argparse.Namespace) -> None:
    from bot.app import build_app
    from bot.cases import case_number

    app = await build_app(_settings())
    try:
        if args.cases_command == "show":
            number = case_number(args.id)
            case = await app.cases.get(number) if number else None
            if case is None:
                raise CommandError(f"no case {args.id!r}; `policybot cases list` shows them")
            cases = [case]
        else:
            cases = await app.cases.all()
        rows = [case_json(c, await app.store.history(f"case:{c.id}")) for c in cases]
    finally:
        await app.close()
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    if not rows:
        print("No business cases yet.")
    for row in rows:
        a = row["answers"]
        what = f"{a.get('platform', '?')} {a.get('handle', '?')}"
        academy = row["academy"] or "-"
        print(f"{row['id']}  {row['status']:<17} {academy:<12} {what}  ({row['requester']})")
        if args.cases_command == "show":
            for event in row["history"]:
                print(f"    {event['at']}  {event['actor']}: {event['action']}")


async def _accounts_list(args: argparse.Namespace) -> None:
    from bot.app import build_app

    app = await build_app(_settings())
    try:
        accounts = await app.register.all()
    finally:
        await app.close()
    if args.json:
        for a in accounts:
            print(
                json.dumps(
                    {
                        "id": a.id,
                        "academy": a.academy,
                        "platform": a.platform,
                        "handle": a.handle,
                        "runners": list(a.runners),
                        "visibility": a.visibility,
                        "emails": list(a.emails),
                        "comments_restricted": a.comments_restricted,
                        "case": a.case_number,
                    }
                )
            )
        return
    if not accounts:
        print("No accounts in the register yet.")
    for a in accounts:
        case = f"case {a.case_number}" if a.case_number is not None else "no case"
        comments = "comments restricted" if a.comments_restricted else "comments open"
        print(f"{a.handle} ({a.platform}, {a.academy}) {a.visibility}, {comments}, {case}")
        print(f"  id: {a.id}")
        print(f"  runners: {', '.join(a.runners) or 'none'}")
        print(f"  logon emails: {', '.join(a.emails) or 'none'}")


async def _outbox(args: argparse.Namespace) -> None:
    from bot.app import build_app

    app = await build_app(_settings())
    try:
        items = await app.store.outbox_items(args.limit)
    finally:
        await app.close()
    if args.json:
        for i in items:
            print(
                json.dumps(
                    {
                        "key": i.key,
                        "recipient": i.recipient,
                        "text": i.reply.text,
                        "status": i.status,
                        "attempts": i.attempts,
                        "last_error": i.last_error,
                        "created_at": i.created_at.isoformat(),
                        "sent_at": i.sent_at.isoformat() if i.sent_at else None,
                    },
                    ensure_ascii=False,
                )
            )
        return
    if not items:
        print("The outbox is empty.")
    for i in items:
        tries = f", {i.attempts} failed: {i.last_error}" if i.attempts else ""
        first_line = i.reply.text.splitlines()[0] if i.reply.text else ""
        print(f"{i.created_at:%Y-%m-%d %H:%M}  {i.status:<7}  to {i.recipient}{tries}")
        print(f"  {first_line[:100]}")


async def _serve(args: argparse.Namespace) -> None:
    from adapters.web import serve
    from bot.app import build_app

    app = await build_app(_settings())
    try:
        await serve(app, args.host, args.port)
    finally:
        await app.close()


async def _db_upgrade(_args: argparse.Namespace) -> None:
    from bot.database import redact, upgrade

    settings = _settings()
    await upgrade(settings.database_url)
    print(f"database {redact(settings.database_url)} is up to date")


def _instant(text: str | None, clock: Callable[[], datetime]) -> datetime:
    """--now: an ISO 8601 instant (UTC when no offset is given), or the clock's now."""
    if text is None:
        return clock()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--now {text!r} is not an ISO 8601 time like 2026-09-01T09:00Z"
        ) from None
    return value.replace(tzinfo=value.tzinfo or UTC)


async def _worker(args: argparse.Namespace) -> None:
    import signal

    from bot.app import build_app
    from bot.scheduler import Worker

    if args.now and not args.once:
        raise CommandError("--now only makes sense with --once")
    app = await build_app(_settings())
    try:
        worker = Worker(app)
        if args.once:
            now = _instant(args.now, app.clock)
            report = await worker.run_due(now)
            print(
                f"{now.isoformat()}: queued {report.alerts} comment alert(s) and "
                f"{report.reminders} reminder(s)"
            )
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(
            f"policybot worker: checking every {app.settings.worker_tick_seconds} s; "
            "run exactly one worker per database",
            flush=True,
        )
        await worker.run(stop)
    finally:
        await app.close()


async def _schedule(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from bot.app import build_app
    from bot.scheduler import Worker

    app = await build_app(_settings())
    try:
        now = _instant(args.now, app.clock)
        planned = await Worker(app).upcoming(now, now + timedelta(days=args.days))
    finally:
        await app.close()
    for p in planned:
        if args.json:
            print(
                json.dumps(
                    {"at": p.at.isoformat(), "what": p.what, "to": p.recipient, "key": p.key}
                )
            )
        else:
            print(f"{p.at:%a %Y-%m-%d %H:%M} UTC  {p.what:<40} -> {p.recipient}")
    if not planned and not args.json:
        print(f"Nothing planned in the next {args.days} day(s).")


async def _comments_add(args: argparse.Namespace) -> None:
    from bot.app import build_app
    from bot.calendar import when
    from bot.comments import parse_received

    app = await build_app(_settings())
    try:
        account = await app.register.find(args.account)
        if account is None:
            known = ", ".join(a.id for a in await app.register.all()) or "none registered yet"
            raise CommandError(f"--account {args.account!r} is not in the register ({known})")
        calendar = app.comments.calendars[account.academy]
        received = parse_received(args.received_at, calendar)
        added = await app.comments.add(
            account, args.summary, received, author=args.author, source="cli"
        )
    finally:
        await app.close()
    print(f"comment #{added.id} on {account.handle}: reply due by {when(added.deadline, calendar)}")


async def _comments_list(args: argparse.Namespace) -> None:
    from bot.app import build_app
    from bot.calendar import when
    from bot.comments import comment_json

    app = await build_app(_settings())
    try:
        comments = await app.comments.all("open" if args.open else None)
        accounts = {a.id: a for a in await app.register.all()}
    finally:
        await app.close()
    for c in comments:
        account = accounts.get(c.account_id)
        if args.json:
            print(json.dumps(comment_json(c, account), ensure_ascii=False))
            continue
        calendar = app.comments.calendars[c.academy]
        who = f" by {c.responded_by}" if c.responded_by else ""
        print(
            f"#{c.id:<5} {account.handle if account else c.account_id:<24} "
            f"received {when(c.received_at, calendar)}  due {when(c.deadline, calendar)}  "
            f"{c.status}{who}"
        )
    if not comments and not args.json:
        print("No comments recorded.")


async def _reminders_status(args: argparse.Namespace) -> None:
    from bot.app import build_app

    app = await build_app(_settings())
    try:
        academies = [a.id for a in app.directory.academies]
        if args.academy and args.academy not in academies:
            raise CommandError(f"--academy {args.academy!r} is not one of {', '.join(academies)}")
        statuses = [
            await app.reminders.status(a, args.year or app.reminders.current_year(a, app.clock()))
            for a in ([args.academy] if args.academy else academies)
        ]
    finally:
        await app.close()
    for status in statuses:
        data = status.as_json(app.directory)
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
            continue
        missing = ", ".join(p["name"] for p in data["not_confirmed"]) or "nobody"
        print(
            f"{status.academy} {status.year}: reminder {status.reminder_at:%Y-%m-%d %H:%M} UTC, "
            f"{data['confirmed']} of {status.staff} confirmed; not yet: {missing}; "
            f"{len(status.actions)} manager action(s)"
        )


def _add_scheduler_commands(sub: Any) -> None:
    """worker, schedule, comments and reminders."""
    worker = sub.add_parser("worker", help="run the scheduler (exactly one per database)")
    worker.add_argument("--once", action="store_true", help="queue what is due now, then exit")
    worker.add_argument("--now", metavar="ISO", help="with --once: pretend it is this instant")
    worker.set_defaults(run=lambda a: asyncio.run(_worker(a)))
    schedule = sub.add_parser("schedule", help="preview the alerts and reminders to come")
    schedule.add_argument("--days", type=int, default=7)
    schedule.add_argument("--now", metavar="ISO", help="preview from this instant")
    schedule.add_argument("--json", action="store_true")
    schedule.set_defaults(run=lambda a: asyncio.run(_schedule(a)))
    comments = sub.add_parser("comments", help="comments on academy accounts")
    csub = comments.add_subparsers(dest="comments_command", required=True, metavar="ACTION")
    add = csub.add_parser("add", help="record a comment, query or complaint")
    add.add_argument("--account", required=True, help="account id or handle in the register")
    add.add_argument(
        "--received-at",
        required=True,
        metavar="ISO",
        help="when it was received (local if no offset)",
    )
    add.add_argument("--author", help="who wrote it")
    add.add_argument("--summary", required=True, help="what it is about, in a line")
    add.set_defaults(run=lambda a: asyncio.run(_comments_add(a)))
    listing = csub.add_parser("list", help="comments with deadlines and who responded")
    listing.add_argument("--json", action="store_true", help="one JSON object per comment")
    listing.add_argument("--open", action="store_true", help="only those not yet answered")
    listing.set_defaults(run=lambda a: asyncio.run(_comments_list(a)))
    reminders = sub.add_parser("reminders", help="the annual policy reminder")
    rsub = reminders.add_subparsers(dest="reminders_command", required=True, metavar="ACTION")
    status = rsub.add_parser("status", help="who has confirmed reading the policy")
    status.add_argument("--academy", help="one academy id (default: all)")
    status.add_argument("--year", type=int, help="reminder year (default: the latest)")
    status.add_argument("--json", action="store_true", help="one JSON object per academy")
    status.set_defaults(run=lambda a: asyncio.run(_reminders_status(a)))


def cmd_teams_package(args: argparse.Namespace) -> None:
    """Build the Teams app zip to upload, with the bot's app id in its manifest."""
    from adapters.teams_package import build_package

    app_id = args.app_id or os.environ.get("MICROSOFT_APP_ID", "")
    out = build_package(app_id, Path(args.out))
    print(f"wrote {out}: upload it in Teams (Apps > Manage your apps > Upload an app)")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(
        prog="policybot",
        description="A chat assistant for the Trust's staff Social Media Policy.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chat = sub.add_parser("chat", help="talk to the bot in this terminal (works piped too)")
    chat.add_argument(
        "--user", help="directory person id to chat as (default: POLICYBOT_USER or demo-teacher)"
    )
    chat.set_defaults(run=lambda a: asyncio.run(_chat(a)))
    ask = sub.add_parser("ask", help="answer a question (or a batch) and exit")
    ask.add_argument("question", nargs="*", help="the question")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument(
        "--batch", metavar="FILE", help="JSON Lines with id and q, or plain lines; - reads stdin"
    )
    ask.set_defaults(run=cmd_ask)
    intents = sub.add_parser("intents", help="knowledge base tools")
    isub = intents.add_subparsers(dest="intents_command", required=True, metavar="ACTION")
    isub.add_parser("check", help="validate clauses and intents").set_defaults(
        run=cmd_intents_check
    )
    gaps = sub.add_parser("gaps", help="the questions staff asked that the bot declined")
    gaps.add_argument("--limit", type=_positive, default=20)
    gaps.add_argument("--json", action="store_true")
    gaps.set_defaults(run=lambda a: asyncio.run(_gaps(a)))
    cases = sub.add_parser("cases", help="business cases for new academy accounts")
    csub = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    clist = csub.add_parser("list", help="every case, newest first")
    clist.add_argument("--json", action="store_true", help="one JSON object per case")
    cshow = csub.add_parser("show", help="one case with its history")
    cshow.add_argument("id", help="the case id, e.g. SMA-0001")
    cshow.add_argument("--json", action="store_true")
    cases.set_defaults(run=lambda a: asyncio.run(_cases(a)))
    accounts = sub.add_parser("accounts", help="the register of official academy accounts")
    asub = accounts.add_subparsers(dest="accounts_command", required=True, metavar="ACTION")
    alist = asub.add_parser("list", help="every active account with its runners")
    alist.add_argument("--json", action="store_true", help="print one JSON object per account")
    alist.set_defaults(run=lambda a: asyncio.run(_accounts_list(a)))
    out = sub.add_parser("outbox", help="messages queued for people, newest first")
    out.add_argument("--limit", type=_positive, default=50)
    out.add_argument("--json", action="store_true", help="print one JSON object per message")
    out.set_defaults(run=lambda a: asyncio.run(_outbox(a)))
    srv = sub.add_parser("serve", help="run the web server for Slack and Teams")
    srv.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))
    srv.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    srv.set_defaults(run=lambda a: asyncio.run(_serve(a)))
    pkg = sub.add_parser("teams-package", help="build the Teams app package (zip) to upload")
    pkg.add_argument("--app-id", help="the bot's Microsoft App ID (default: MICROSOFT_APP_ID)")
    pkg.add_argument("--out", default="policybot-teams.zip", help="zip file to write")
    pkg.set_defaults(run=cmd_teams_package)
    db = sub.add_parser("db", help="database tools")
    dsub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    dsub.add_parser("upgrade", help="create or migrate the schema").set_defaults(
        run=lambda a: asyncio.run(_db_upgrade(a))
    )
    _add_scheduler_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `policybot` console script."""
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Database drivers log query parameters (message text, names) at DEBUG: never show them.
    for driver in ("aiosqlite", "asyncpg", "psycopg"):
        logging.getLogger(driver).setLevel(max(logging.INFO, logging.getLogger().level))
    try:
        args.run(args)
    except UserError as exc:
        print(f"policybot: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
