"""Commands about questions: ask (one or a batch), intents check, and the declined questions."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from textwrap import indent
from typing import TYPE_CHECKING, Any

from bot.cli.running import CommandError, Subcommands, positive, print_json, with_app

if TYPE_CHECKING:
    from bot.app import App


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


def ask(args: argparse.Namespace) -> None:
    """Answer questions from the command line, one JSON object per line with --json."""
    from bot.cli.output import answer_json
    from bot.core.answers import build_answerer
    from bot.core.bot import DECLINE

    if args.batch:
        items: Iterator[tuple[dict[str, Any], str]] = _batch(args.batch)
    elif args.question:
        items = iter([({}, " ".join(args.question))])
    else:
        raise CommandError("ask what? Give a question, or --batch FILE (- for stdin)")
    answerer = build_answerer()
    for extra, question in items:
        answer = answerer.answer(question)
        if args.json:
            print(json.dumps(answer_json(answer, DECLINE, extra), ensure_ascii=False))
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


def intents_check(_args: argparse.Namespace) -> None:
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


async def gaps(app: App, args: argparse.Namespace) -> None:
    """The declined questions, most frequent first."""
    rows = await app.questions.top_declined(args.limit)
    if args.json:
        for r in rows:
            print_json({"text": r.text, "count": r.count, "last_seen": r.last_seen.isoformat()})
        return
    if not rows:
        print("No declined questions yet.")
    for r in rows:
        print(f"{r.count:5d}  {r.last_seen:%Y-%m-%d}  {r.text}")


def register(sub: Subcommands) -> None:
    """ask, intents check, gaps."""
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
