"""Votes keep the question they answered; the not-helpful ones come back grouped, everywhere."""

from __future__ import annotations

from tests.conftest import Backend


async def test_not_helpful_answers_are_grouped_by_clause_and_question(backend: Backend) -> None:
    questions = backend.stores.questions
    await questions.add_feedback(
        "dana", "pupils.no-friending", None, False, "Can I friend a parent?"
    )
    kate_voted = backend.clock.advance(minutes=1)
    await questions.add_feedback("kate", "pupils.no-friending", "i", False, "can i friend a parent")
    await questions.add_feedback("jack", "pupils.no-friending", "i", True, "can I friend a parent?")
    backend.clock.advance(minutes=1)
    await questions.add_feedback("jack", "images.no-photos", None, False, "photos of sports day?")
    await questions.add_feedback("jack", "images.no-photos", None, False)  # before it was kept
    other = backend.reopen().questions
    rows = await other.top_unhelpful()
    assert [(r.question, r.clause_id, r.count) for r in rows] == [
        ("can i friend a parent", "pupils.no-friending", 2),
        (None, "images.no-photos", 1),
        ("photos of sports day?", "images.no-photos", 1),
    ]
    assert rows[0].last_seen == kate_voted
    assert len(await other.top_unhelpful(limit=1)) == 1
