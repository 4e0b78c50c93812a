"""What the command line prints as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.model.records import Account, AuditEvent, Case, Comment, OutboxItem

if TYPE_CHECKING:
    from bot.core.answers import Answer


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
