"""The intent scores: a linear SVM over the phrasings' words and word pairs, as typed and as
the matcher spells them, scored without scikit-learn as scikit-learn would score it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from intents.cache import load_matcher
from intents.intent_scores import SMALLEST, C, IntentScores, features
from intents.knowledge import DATA, Intent, KnowledgeBase
from tests.intents.test_cache import NEW_INTENT, QUESTION

FRIENDS = Intent(
    "friends",
    "Parents as friends",
    ("friends.parents",),
    (
        "can I accept a friend request from a parent",
        "a parent added me as a friend",
        "is it ok to be friends with parents online",
    ),
    (),
)
PUPILS = Intent(
    "pupils",
    "Pupils online",
    ("pupils.contact",),
    (
        "can I accept a friend request from a pupil",
        "a pupil added me on instagram",
        "can I follow my students back",
    ),
    (),
)
LOGO = Intent("logo", "The logo", (), ("how do I get the school logo", "logo file please"), ())


def spell(text: str) -> str:
    """A stand-in for the matcher's spelling: one synonym."""
    return text.replace("insta", "instagram")


def test_the_word_that_differs_picks_the_intent_and_an_out_of_scope_one_is_marked() -> None:
    model = IntentScores.fit([FRIENDS, PUPILS, LOGO], spell)
    assert model is not None
    best = {q: model.answers[int(np.argmax(model.scores(q)))] for q in QUESTIONS}
    assert best == QUESTIONS
    assert model.out_of_scope.tolist() == [i == "logo" for i in model.answers]


QUESTIONS = {
    "friend request from a parent?": "friends.parents",
    "a pupil sent me a friend request": "pupils.contact",
    "where is the logo": "logo",
}


def test_scores_are_scikit_learns_for_the_shipped_phrasings() -> None:
    matcher = load_matcher()
    intents, spelled = matcher.kb.intents, matcher.normaliser.spelled
    model = IntentScores.fit(intents, spelled)
    assert model is not None
    texts = [e for i in intents for e in i.examples]
    vectorizer = TfidfVectorizer(analyzer=lambda text: features(text, spelled), sublinear_tf=True)
    labels = [i.answer for i in intents for _ in i.examples]
    svm = LinearSVC(C=C).fit(vectorizer.fit_transform(texts), labels)
    questions = ["Can I accept a friend request from a parent??", "wat if i loose my job", "zzz"]
    expected = svm.decision_function(vectorizer.transform(questions))
    for question, want in zip(questions, expected, strict=True):
        got = model.scores(question)
        assert np.argmax(got) == np.argmax(want)
        # Only the weights nearer zero than SMALLEST are dropped.
        assert np.abs(got - want).max() < 20 * SMALLEST


def test_nothing_to_tell_apart_gives_no_model_and_two_intents_give_two_scores() -> None:
    assert IntentScores.fit([FRIENDS], spell) is None
    two = IntentScores.fit([FRIENDS, PUPILS], spell)
    assert two is not None
    assert two.answers == ("friends.parents", "pupils.contact")
    assert two.answers[int(np.argmax(two.scores("a pupil added me")))] == "pupils.contact"


def test_the_spelled_words_count_beside_the_typed_ones() -> None:
    """ "insta" in a question is also "instagram", which only the pupils' phrasing has."""
    friends = replace(FRIENDS, examples=(*FRIENDS.examples, "an instagram friend request"))
    pupils = replace(PUPILS, examples=(*PUPILS.examples[:1], "a pupil on instagram"))
    model = IntentScores.fit([friends, pupils], spell)
    assert model is not None
    assert features("on insta", spell) == [
        "on",
        "insta",
        "on insta",
        "~on",
        "~instagram",
        "~on instagram",
    ]
    assert model.answers[int(np.argmax(model.scores("i am on insta")))] == "pupils.contact"


def test_the_shipped_model_is_read_unless_the_phrasings_have_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data folder's model is used as long as it was fitted on the folder's phrasings (no
    seconds of fitting on a first start); a trust's own intents get a model fitted on them.
    Fails when the shipped file is out of date: `python bench/fit_final.py --write`."""
    folder = Path(shutil.copytree(DATA, tmp_path / "data"))
    intents = KnowledgeBase.load(folder).intents
    spelled = load_matcher().normaliser.spelled
    fitting = IntentScores.fit

    def no_fitting(_intents: object, _spell: object) -> None:
        raise AssertionError("fitted, although the shipped model was fitted on these phrasings")

    monkeypatch.setattr(IntentScores, "fit", no_fitting)
    shipped = IntentScores.shipped_or_fitted(intents, folder, spelled)
    assert shipped is not None
    assert shipped.answers[int(np.argmax(shipped.scores(QUESTION)))] != "children.do-not-give"
    (folder / "intents" / "zz-lollipop.yaml").write_text(NEW_INTENT, encoding="utf-8")
    monkeypatch.setattr(IntentScores, "fit", fitting)
    own = IntentScores.shipped_or_fitted(KnowledgeBase.load(folder).intents, folder, spelled)
    assert own is not None
    assert own.answers[int(np.argmax(own.scores(QUESTION)))] == "children.do-not-give"


def test_intents_that_quote_the_same_clause_are_one_answer() -> None:
    """Told apart, two intents for one clause would split its phrasings' weight."""
    requests = Intent(
        "friend-requests", "Friend requests", ("friends.parents",), FRIENDS.examples[:1], ()
    )
    one = replace(FRIENDS, examples=FRIENDS.examples[1:])
    model = IntentScores.fit([one, requests, PUPILS], spell)
    assert model is not None
    assert model.answers == ("friends.parents", "pupils.contact")
    assert model.answers[int(np.argmax(model.scores("friend request from a parent?")))] == (
        "friends.parents"
    )
