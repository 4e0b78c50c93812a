"""Commands about questions: ask (one or a batch), intents check, and the declined questions."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from textwrap import indent
from typing import TYPE_CHECKING, Any

from bot.cli.output import echo, echo_json
from bot.cli.running import (
    CommandError,
    Subcommands,
    positive,
    print_json,
    settings,
    with_app,
)
from bot.core.sanitise import clean

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.answers import Answer


Item = tuple[dict[str, Any], str | None, str | None]
"""(fields to carry through, the question or None, why the line was refused or None)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _line(raw: str) -> Item:
    """One batch line read: a JSON object with "q" (and an id), or a plain question."""
    line = raw.strip().lstrip("\ufeff").strip()
    if not line.startswith("{"):
        return {}, line, None
    try:
        record = json.loads(line, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        return {}, None, f"not valid JSON: {exc.msg}"
    except RecursionError:
        return {}, None, "not valid JSON: nested too deeply"
    except ValueError as exc:
        return {}, None, f"not valid JSON: {exc}"
    if not isinstance(record, dict) or not isinstance(record.get("q"), str):
        return {}, None, 'a JSON line needs a text field "q"'
    ident = record.get("id")
    if ident is not None and not isinstance(ident, str | int | float):
        return {}, None, '"id" must be a string or a number'
    if isinstance(ident, float) and not math.isfinite(ident):
        return {}, None, '"id" is too large a number'
    return ({"id": ident} if "id" in record else {}), record["q"], None


def _batch(path: str) -> Iterator[tuple[int, Item]]:
    """(line number, item) for each non-blank line of a JSON Lines or plain text file."""
    try:
        stream = sys.stdin if path == "-" else Path(path).open(encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    with stream:
        try:
            for n, raw in enumerate(stream, 1):
                if raw.strip().lstrip("\ufeff").strip():
                    yield n, _line(raw)
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None


def ask(args: argparse.Namespace) -> None:
    """Answer questions from the command line, one JSON object per line with --json; a bad
    batch line is reported on its line and the rest are still answered (exit 2 at the end)."""
    from bot.cli.output import answer_json
    from bot.core.answers import build_answerer
    from bot.core.wording import DECLINE_UNNOTED

    if args.batch:
        items: Iterator[tuple[int, Item]] = _batch(args.batch)
    elif args.question:
        items = iter([(1, ({}, " ".join(args.question), None))])
    else:
        raise CommandError("ask what? Give a question, or --batch FILE (- for stdin)")
    answerer = build_answerer(settings().knowledge_dir)
    bad = 0
    for n, (extra, question, error) in items:
        if question is None:
            bad += 1
            echo(f"policybot: {args.batch}:{n}: {error}", file=sys.stderr)
            if args.json:
                echo_json({"line": n, "error": error})
            continue
        answer = answerer.answer(question)
        if args.json:
            echo_json(answer_json(answer, DECLINE_UNNOTED, extra, _Redirects()))
        else:
            echo(_plain(answer, DECLINE_UNNOTED, _Redirects()))
    sys.stdout.flush()
    if bad:
        raise CommandError(f"{bad} line(s) of {args.batch} could not be read (see above)")


class _Redirects(Mapping[str, str]):
    """What `ask` says instead of a clause: the Trust IT Team for credentials, the trust's
    policy address (read from TRUST_FILE or the demo trust only when it is asked for)."""

    def __getitem__(self, key: str) -> str:
        from bot.core.answers import CREDENTIALS, POLICY_LINK, WRITING
        from bot.core.wording import CREDENTIALS_REFUSED, POLICY_LINK_TEXT, WRITING_REFUSED

        if key == CREDENTIALS:
            return CREDENTIALS_REFUSED.format(it="")
        if key == POLICY_LINK:
            return POLICY_LINK_TEXT.format(url=_policy_url())
        if key == WRITING:
            return WRITING_REFUSED
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("credentials", "policy-link", "writing"))

    def __len__(self) -> int:
        return 3


@cache
def _policy_url() -> str:
    """The trust's `policy_url`, from TRUST_FILE or the demo trust."""
    from bot.model.directory_file import DEMO_TRUST, load_directory

    return load_directory(os.environ.get("TRUST_FILE", "").strip() or DEMO_TRUST).trust.policy_url


def _plain(answer: Answer, decline: str, redirects: Mapping[str, str]) -> str:
    """An answer as the terminal shows it: the clause quoted, or what the bot says instead (the
    decline, the Trust IT Team for credentials, the policy's address); each question of a message
    asking several under its own number."""
    if answer.parts:
        return "\n".join(
            f"{n}. {part.question}\n{indent(_plain(part, decline, redirects), '   ')}"
            for n, part in enumerate(answer.parts, 1)
        )
    if answer.answered and answer.clause:
        note = "  [safeguarding: speak to your DSO first]" if answer.safeguarding else ""
        quote = indent(answer.quote or answer.clause.text, "  ")
        shown = (
            f"{answer.clause.heading}{note}\n{quote}\n"
            f"  (clause {answer.clause.id}, score {answer.score:.2f})"
        )
        beside = answer.beside
        return shown + (f"\n{_plain(beside, decline, redirects)}" if beside else "")
    said = redirects.get(answer.redirect or "", decline)
    why = f"sent elsewhere: {answer.redirect}" if answer.redirect else "declined"
    return f"{said}\n  ({why}, best score {answer.score:.2f})"


def intents_check(_args: argparse.Namespace) -> None:
    """Validate the knowledge base: clauses verbatim, intents point at real clauses, no clashes."""
    from intents.knowledge import DATA, KnowledgeBase
    from intents.safeguarding import shipped

    folder = settings().knowledge_dir or DATA
    kb = KnowledgeBase.load(folder)
    problems = kb.problems()
    if problems:
        raise CommandError(
            f"{len(problems)} problem(s) in the knowledge base:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    examples = sum(len(i.examples) for i in kb.intents)
    echo(
        f"ok: {len(kb.clauses)} clauses of policy v{kb.policy.version} ({kb.policy.date}), "
        f"{len(kb.intents)} intents, {examples} example phrasings"
    )
    if not shipped.is_current(folder):
        echo(
            f"note: {shipped.FILE} was not fitted on these files, so the first start trains the "
            "safeguarding model (seconds); python bench/fit_safeguarding.py --write ships it",
            file=sys.stderr,
        )


async def gaps(app: App, args: argparse.Namespace) -> None:
    """The declined questions, most frequent first."""
    rows = await app.questions.top_declined(args.limit)
    if args.json:
        for r in rows:
            print_json({"text": r.text, "count": r.count, "last_seen": r.last_seen.isoformat()})
        return
    if not rows:
        echo("No declined questions yet.")
    for r in rows:
        echo(f"{r.count:5d}  {r.last_seen:%Y-%m-%d}  {clean(r.text)}")


async def feedback(app: App, args: argparse.Namespace) -> None:
    """The answers marked not helpful: question, clause and count, most frequent first."""
    rows = await app.questions.top_unhelpful(args.limit)
    if args.json:
        for r in rows:
            print_json(
                {
                    "question": r.question,
                    "clause_id": r.clause_id,
                    "count": r.count,
                    "last_seen": r.last_seen.isoformat(),
                }
            )
        return
    if not rows:
        print("No answers have been marked not helpful yet.")
    for r in rows:
        question = clean(r.question) if r.question else "(question not recorded)"
        print(f"{r.count:5d}  {r.last_seen:%Y-%m-%d}  {r.clause_id}  {question}")


def register(sub: Subcommands) -> None:
    """ask, intents check, gaps, feedback."""
    p = sub.add_parser("ask", help="answer a question (or a batch) and exit")
    p.add_argument("question", nargs="*", help="the question")
    p.add_argument("--json", action="store_true", help="print one JSON object per question")
    p.add_argument(
        "--batch", metavar="FILE", help="JSON Lines with id and q, or plain lines; - reads stdin"
    )
    p.set_defaults(run=ask)
    p = sub.add_parser("intents", help="knowledge base tools")
    isub = p.add_subparsers(dest="intents_command", required=True, metavar="ACTION")
    isub.add_parser("check", help="validate clauses and intents").set_defaults(run=intents_check)
    p = sub.add_parser("gaps", help="the questions staff asked that the bot declined")
    p.add_argument("--limit", type=positive, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=with_app(gaps))
    p = sub.add_parser("feedback", help="the answers staff marked not helpful")
    p.add_argument("--limit", type=positive, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=with_app(feedback))
