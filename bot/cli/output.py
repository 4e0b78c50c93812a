"""What the command line prints: plain lines and JSON, always safe for a terminal.

Anything printed may hold what someone typed (a comment, a declined question, a case answer,
an error quoting an argument), so control characters (escape sequences that would recolour,
retitle or clear the terminal), invisible formatting characters, bidirectional overrides and
lone surrogates never reach the terminal: `echo` drops them from plain lines, `echo_json`
writes them as JSON \\u escapes (so the data is kept, and still parses).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO

from bot.model.records import Account, AuditEvent, Case, Comment, OutboxItem

if TYPE_CHECKING:
    from bot.core.answers import Answer
    from bot.model.directory import Directory


_UNSAFE = frozenset(["Cc", "Cf", "Cs", "Co", "Zl", "Zp"])
"""Controls, formatting (zero-width, bidi), surrogates, private use, line/paragraph separators."""


def unsafe(ch: str) -> bool:
    """True for a character that must not reach a terminal as it is (newline and tab may)."""
    return ch not in "\n\t" and unicodedata.category(ch) in _UNSAFE


def terminal_safe(text: str) -> str:
    """The text without the characters `unsafe` names."""
    return "".join(ch for ch in text if not unsafe(ch))


def echo(*parts: object, file: TextIO | None = None, flush: bool = False) -> None:
    """print(), made terminal-safe."""
    print(*(terminal_safe(str(p)) for p in parts), file=file or sys.stdout, flush=flush)


def echo_json(data: Any) -> None:
    """One JSON value on one line, with unsafe characters written as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False)
    print("".join(f"\\u{ord(ch):04x}" if unsafe(ch) else ch for ch in text))


def comment_json(c: Comment, account: Account | None) -> dict[str, Any]:
    """The `comments list --json` object for one comment."""
    return {
        "id": c.id,
        "account": c.account_id,
        "handle": account.handle if account else None,
        "received": c.received_at.isoformat(),
        "deadline": c.deadline.isoformat(),
        "status": c.status,
        "responded_by": c.responded_by,
        "responded_at": c.responded_at.isoformat() if c.responded_at else None,
        "author": c.author,
        "summary": c.summary,
    }


def answer_json(
    answer: Answer,
    decline: str,
    extra: dict[str, Any] | None = None,
    redirects: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The `ask --json` object for one answer; `decline` is the text of a declined one and
    `redirects` the text for each reason to send the person elsewhere (the IT Team, the policy's
    address). A message asking several questions has each one's answer under "parts"."""
    clause = answer.clause if answer.answered else None
    close = answer.did_you_mean if clause else None
    redirect = answer.redirect if not clause else None
    out = {
        **(extra or {}),
        "question": answer.question,
        "answered": answer.answered,
        "clause_id": clause.id if clause else None,
        "section": clause.heading if clause else None,
        "text": answer.text if clause else (redirects or {}).get(redirect or "", decline),
        "score": round(answer.score, 4),
        "safeguarding": answer.safeguarding,
        "redirect": redirect,
        "did_you_mean": None
        if close is None
        else {"intent": close.id, "title": close.title, "clause_id": close.clauses[0]},
        "alternatives": [
            {"clause_id": a.clause.id, "section": a.clause.heading, "score": round(a.score, 4)}
            for a in answer.alternatives[:5]
        ],
    }
    if answer.parts:
        out["parts"] = [answer_json(p, decline, None, redirects) for p in answer.parts]
    if answer.beside is not None:
        out["beside"] = answer_json(answer.beside, decline, None, redirects)
    return out


def case_json(case: Case, history: list[AuditEvent]) -> dict[str, Any]:
    """The `cases --json` object for one case."""
    confirmed = case.confirmations
    return {
        "id": case.id,
        "status": case.status,
        "academy": case.academy,
        "requester": case.requester,
        "answers": case.answers,
        "runners": [
            {"person": r, "confirmed_at": confirmed[r].isoformat() if r in confirmed else None}
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


def account_json(a: Account) -> dict[str, Any]:
    """The `accounts list --json` object for one account."""
    return {
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


def outbox_json(i: OutboxItem) -> dict[str, Any]:
    """The `outbox --json` object for one queued message."""
    return {
        "key": i.key,
        "recipient": i.recipient,
        "text": i.reply.text,
        "status": i.status,
        "attempts": i.attempts,
        "last_error": i.last_error,
        "created_at": i.created_at.isoformat(),
        "sent_at": i.sent_at.isoformat() if i.sent_at else None,
    }


def account_event(e: AuditEvent, directory: Directory) -> str:
    """One event of an account's history in words: registered, handed over, runner added."""
    name, d = directory.name_of, e.detail
    if e.action == "registered":
        case = f" (business case {d['case']})" if d.get("case") else ""
        return f"registered when {name(e.actor)} approved it{case}"
    if e.action == "handover":
        runner = str(d.get("runner", "?"))
        to = directory.names_of(str(r) for r in d.get("runners") or []) or "nobody"
        by = "" if e.actor == runner else f" (done by {name(e.actor)})"
        return f"{name(runner)} handed over to {to}{by}"
    if e.action == "runner added":
        return f"{name(e.actor)} added {name(str(d.get('runner', '?')))} as a runner"
    if e.action == "replacement requested":
        head = name(str(d.get("headteacher", "?")))
        return f"{name(e.actor)}'s handover left too few runners: {head} asked for a replacement"
    return f"{name(e.actor)}: {e.action}"


def account_show_json(
    a: Account, history: list[AuditEvent], directory: Directory
) -> dict[str, Any]:
    """The `accounts show --json` object: the account, its runners' names and its history."""
    return {
        **account_json(a),
        "active": a.active,
        "runner_names": [directory.name_of(r) for r in a.runners],
        "history": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "detail": e.detail,
                "text": account_event(e, directory),
            }
            for e in history
        ],
    }
