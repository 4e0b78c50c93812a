"""The knowledge base files and `intents check`: problems are found and named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from intents.knowledge import DATA, KnowledgeBase, KnowledgeError


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped data folder a test may break."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_the_shipped_knowledge_base_has_no_problems() -> None:
    kb = KnowledgeBase.load()
    assert kb.problems() == []
    assert kb.policy.version == "2.1" and kb.policy.date == "09/2020"
    handover = kb.clauses["handover.when-controller-trust"]
    assert handover.section == "Handover"
    assert handover.parent == "Use of Social Media for Professional Purposes"


def test_every_clause_of_the_policy_is_there_once() -> None:
    kb = KnowledgeBase.load()
    joined = " ".join(c.text for c in kb.clauses.values())
    for must in [
        "Blogs and Vlogs,;",
        "They will remind employees annually",
        "Passwords should be reset once handover has been completed.",
        "All of the above applies to both open and private sections",
    ]:
        assert joined.count(must) == 1, must


def test_a_clause_that_is_not_verbatim_is_reported(data: Path) -> None:
    path = data / "clauses.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Passwords should be reset once", "Passwords must be reset once"
        ),
        encoding="utf-8",
    )
    problems = KnowledgeBase.load(data).problems()
    assert any(
        "handover.when-controller-trust" in p and "not found verbatim" in p for p in problems
    )


def test_an_intent_pointing_at_a_missing_clause_is_reported(data: Path) -> None:
    (data / "intents" / "zz_test.yaml").write_text(
        "- id: zz-test\n  title: Test intent\n  clauses: [handover.no-such-clause]\n"
        "  examples: [a question nobody else asks about zebras]\n",
        encoding="utf-8",
    )
    problems = KnowledgeBase.load(data).problems()
    assert "intent zz-test: points at missing clause 'handover.no-such-clause'" in problems


def test_two_intents_sharing_a_phrasing_are_reported(data: Path) -> None:
    kb = KnowledgeBase.load(data)
    taken = kb.intents[0].examples[0]
    (data / "intents" / "zz_test.yaml").write_text(
        f"- id: zz-test\n  title: Test intent\n  clauses: [handover.when-controller-trust]\n"
        f'  examples: ["{taken.upper()}!"]\n',
        encoding="utf-8",
    )
    problems = KnowledgeBase.load(data).problems()
    assert any(p.startswith("intent zz-test: phrasing") and kb.intents[0].id in p for p in problems)


def test_a_malformed_intent_is_refused_at_load_with_file_and_field(data: Path) -> None:
    (data / "intents" / "zz_test.yaml").write_text(
        "- id: zz-test\n  title: Test intent\n  examples: []\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match=r"intents/zz_test.yaml\[0\]: examples"):
        KnowledgeBase.load(data)


def test_a_key_written_twice_in_the_lexicon_is_refused_not_silently_overwritten(
    data: Path,
) -> None:
    lexicon = data / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(
        text.replace("synonyms:\n", "synonyms:\n  parent: [carer]\n", 1), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match=r"lexicon\.yaml: not valid YAML: duplicate key"):
        KnowledgeBase.load(data)


def test_a_list_introduction_is_quoted_with_its_bullets_one_a_line() -> None:
    kb = KnowledgeBase.load()
    quote = kb.quote("aims.purpose-policy-ensure").split("\n")
    assert quote[0] == "The purpose of this policy is to ensure that:"
    assert len(quote) == 5 and all(line.startswith("• ") for line in quote[1:])
    assert "• The reputation of the Trust and Academies is not adversely affected;" in quote


def test_a_bullet_too_short_to_stand_alone_comes_with_its_list() -> None:
    kb = KnowledgeBase.load()
    quote = kb.quote("scope.blogs-vlogs")
    assert quote.startswith("Social media applications include, but are not limited to:")
    assert "• Blogs and Vlogs,;" in quote and "YouTube" in quote


def test_a_bullet_is_quoted_under_the_introduction_that_gives_it_its_sense() -> None:
    kb = KnowledgeBase.load()
    bullet = kb.clauses["breach.commenting-about-other"]
    lead = kb.clauses["breach.examples-cases-which"]
    assert kb.quote(bullet.id) == f"{lead.text}\n• {bullet.text}"
    # A clause outside any list is quoted alone.
    alone = kb.clauses["safeguarding-concerns.seek-dso-advice"]
    assert kb.quote(alone.id) == alone.text


def test_list_items_that_are_not_the_clauses_that_follow_are_refused(data: Path) -> None:
    path = data / "clauses.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "items: [tone.engaging, tone.conversational",
            "items: [tone.conversational, tone.engaging",
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match=r"tone\.tone-content-published: items must name"):
        KnowledgeBase.load(data)


def test_the_business_case_points_and_the_images_guidelines_are_quoted_whole() -> None:
    kb = KnowledgeBase.load()
    case = kb.quote("new-accounts.anyone-wishing-create").split("\n")
    assert case[0].endswith("which covers the following points: -")
    assert case[1:] == [
        "• The aim of the account.",
        "• The intended audience.",
        "• How the account will be promoted.",
        "• Who will monitor and run the account? (at least two staff members should be named).",
        "• Will the account be open or private/closed?",
        "• A record made by the Academy of logon information, associated email addresses and "
        "access methods.",
        "• Where there is an option, Comments and conversation should be as restricted.",
    ]
    images = kb.quote("images.trust-academy-use").split("\n")
    assert images[0].endswith("the following guidelines are strictly adhered to;")
    assert len(images) == 5 and "they must delete it immediately;" in images[-1]


def test_a_list_introduction_without_its_items_is_reported(data: Path) -> None:
    path = data / "clauses.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    items: [images.permission-use-photos")
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    problems = KnowledgeBase.load(data).problems()
    assert len(problems) == 1
    assert problems[0].startswith("clause images.trust-academy-use: introduces a list")
    assert "names no items" in problems[0]
