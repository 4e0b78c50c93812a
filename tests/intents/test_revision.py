"""A new version of the policy read from .txt, .docx and .pdf, split and compared with today's."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.errors import KnowledgeError
from intents.knowledge import DATA, KnowledgeBase
from intents.revision import Kind
from intents.staging import import_policy, publish, staged, staging_folder
from tests.policy_versions import (
    ADDED,
    NEW_HEADING,
    OLD_HEADING,
    REMOVED,
    REWORDED,
    data_copy,
    revised_docx,
    revised_pdf,
    revised_text,
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return data_copy(tmp_path)


def test_todays_text_imported_again_is_the_same_knowledge_base(data: Path) -> None:
    kb = KnowledgeBase.load()
    revision, _ = import_policy(DATA / "policy.txt", data, version="2.1-again", date="09/2020")
    assert revision.counts() == f"0 changed, 0 new, 0 removed, {len(kb.clauses)} unchanged"
    assert revision.renamed == () and revision.review == ()
    clauses = {
        cid: (s.title, s.parent, s.items.get(cid, []))
        for s in revision.sections
        for cid, _, _ in s.clauses
    }
    assert clauses == {c.id: (c.section, c.parent, list(c.items)) for c in kb.clauses.values()}


def _assert_the_revision(path: Path, data: Path) -> None:
    revision, waiting = import_policy(path, data)
    assert (revision.version, revision.date) == ("2.2", "01/2027")
    [changed] = revision.of(Kind.CHANGED)
    assert (changed.id, changed.new) == ("abuse.when-acting-behalf", REWORDED)
    assert changed.heading.endswith(NEW_HEADING)
    assert [(c.id, c.new) for c in revision.of(Kind.NEW)] == [
        (
            "change-control.v2-2",
            "2.2 01/2027 HR Handling abuse reworded; online safety training added.",
        ),
        ("handover.staff-who-run", ADDED),
    ]
    assert [(c.id, c.old) for c in revision.of(Kind.REMOVED)] == [
        ("tone.friendly-certain-platforms", REMOVED)
    ]
    assert revision.renamed == ((OLD_HEADING, NEW_HEADING),)
    review = {(intent, clause, kind.value) for intent, clause, kind in revision.review}
    assert ("offensive-comments-handling", "abuse.when-acting-behalf", "changed") in review
    assert ("tone-of-posts", "tone.friendly-certain-platforms", "removed") in review
    assert {clause for _, clause, _ in review} == {
        "abuse.when-acting-behalf",
        "tone.friendly-certain-platforms",
    }
    tone = next(s for s in revision.sections if s.id == "tone")
    assert tone.items == {
        "tone.tone-content-published": ["tone.engaging", "tone.conversational", "tone.informative"]
    }
    assert "Reworded: Use of Social Media for Professional Purposes › Handling abusive" in (
        waiting.summary
    )
    assert "New: Use of Social Media for Professional Purposes › Handover: Staff who" in (
        waiting.summary
    )
    assert "2.2 01/2027" not in waiting.summary  # the Change Control row is not news
    assert KnowledgeBase.load(data).policy.version == "2.1"  # nothing is live yet
    assert staged(data) is not None


def test_a_revision_in_plain_text_keeps_ids_and_lists_intents_to_review(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "policy-2.2.txt"
    path.write_text(revised_text(), encoding="utf-8")
    _assert_the_revision(path, data)


def test_a_revision_as_a_word_document_reads_the_same(data: Path, tmp_path: Path) -> None:
    _assert_the_revision(revised_docx(tmp_path / "policy-2.2.docx"), data)


def test_a_pdf_is_read_and_its_reworded_clause_keeps_its_id(data: Path, tmp_path: Path) -> None:
    revision, _ = import_policy(revised_pdf(tmp_path / "policy-2.2.pdf"), data)
    assert (revision.version, revision.date) == ("2.2", "01/2027")
    [changed] = revision.of(Kind.CHANGED)
    assert (changed.id, changed.new) == ("abuse.when-acting-behalf", REWORDED)


def test_publishing_waits_for_intents_that_point_at_a_removed_clause(
    data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "policy-2.2.txt"
    path.write_text(revised_text(), encoding="utf-8")
    import_policy(path, data)
    with pytest.raises(KnowledgeError, match="intent tone-of-posts points at removed clause"):
        publish(data, "2027-01-04T09:00:00+00:00")
    assert KnowledgeBase.load(data).policy.version == "2.1"
    for f in (data / "intents").glob("*.yaml"):
        text = f.read_text(encoding="utf-8")
        f.write_text(text.replace(", tone.friendly-certain-platforms", ""), encoding="utf-8")
        text = f.read_text(encoding="utf-8").replace(
            "[tone.friendly-certain-platforms]", "[tone.tone-content-published]"
        )
        f.write_text(text, encoding="utf-8")
    publish(data, "2027-01-04T09:00:00+00:00")
    kb = KnowledgeBase.load(data)
    assert (kb.policy.version, kb.policy.date) == ("2.2", "01/2027")
    assert kb.policy.published == "2027-01-04T09:00:00+00:00"
    assert kb.clauses["abuse.when-acting-behalf"].text == REWORDED
    assert kb.clauses["abuse.when-acting-behalf"].section == NEW_HEADING
    assert kb.problems() == []
    assert not staging_folder(data).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("policy.doc", b"old word", "use a .txt, .docx or .pdf file"),
        ("policy.docx", b"not a zip", "not a Word document that can be read"),
        ("policy.pdf", b"not a pdf", "not a PDF that can be read"),
        ("policy.txt", b"", "no headings or paragraphs found"),
        ("policy.txt", b" Introduction \nA new first paragraph.\n", "no version row found"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(
    data: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(KnowledgeError, match=message):
        import_policy(path, data)
    assert staged(data) is None
