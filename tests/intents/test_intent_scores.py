"""The intent scores: a linear SVM over the phrasings' words and word pairs, scored without
scikit-learn as scikit-learn would score it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from intents.intent_scores import SMALLEST, C, IntentScores
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


def test_the_word_that_differs_picks_the_intent_and_an_out_of_scope_one_is_marked() -> None:
    model = IntentScores.fit([FRIENDS, PUPILS, LOGO])
    assert model is not None
    best = {q: model.intents[int(np.argmax(model.scores(q)))] for q in QUESTIONS}
    assert best == QUESTIONS
    assert model.out_of_scope.tolist() == [i == "logo" for i in model.intents]


QUESTIONS = {
    "friend request from a parent?": "friends",
    "a pupil sent me a friend request": "pupils",
    "where is the logo": "logo",
}


def test_scores_are_scikit_learns_for_the_shipped_phrasings() -> None:
    intents = KnowledgeBase.load().intents
    model = IntentScores.fit(intents)
    assert model is not None
    texts = [e for i in intents for e in i.examples]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    labels = [i.id for i in intents for _ in i.examples]
    svm = LinearSVC(C=C).fit(vectorizer.fit_transform(texts), labels)
    questions = ["Can I accept a friend request from a parent??", "wat if i loose my job", "zzz"]
    expected = svm.decision_function(vectorizer.transform(questions))
    for question, want in zip(questions, expected, strict=True):
        got = model.scores(question)
        assert np.argmax(got) == np.argmax(want)
        # Only the weights nearer zero than SMALLEST are dropped.
        assert np.abs(got - want).max() < 20 * SMALLEST


def test_nothing_to_tell_apart_gives_no_model_and_two_intents_give_two_scores() -> None:
    assert IntentScores.fit([FRIENDS]) is None
    two = IntentScores.fit([FRIENDS, PUPILS])
    assert two is not None
    assert two.intents == ("friends", "pupils")
    assert two.intents[int(np.argmax(two.scores("a pupil added me")))] == "pupils"


def test_the_shipped_model_is_read_unless_the_phrasings_have_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data folder's model is used as long as it was fitted on the folder's phrasings (no
    seconds of fitting on a first start); a trust's own intents get a model fitted on them.
    Fails when the shipped file is out of date: `python bench/fit_final.py --write`."""
    folder = Path(shutil.copytree(DATA, tmp_path / "data"))
    intents = KnowledgeBase.load(folder).intents
    fitting = IntentScores.fit

    def no_fitting(_intents: object) -> None:
        raise AssertionError("fitted, although the shipped model was fitted on these phrasings")

    monkeypatch.setattr(IntentScores, "fit", no_fitting)
    shipped = IntentScores.shipped_or_fitted(intents, folder)
    assert shipped is not None and "lollipop-rota" not in shipped.intents
    (folder / "intents" / "zz-lollipop.yaml").write_text(NEW_INTENT, encoding="utf-8")
    monkeypatch.setattr(IntentScores, "fit", fitting)
    own = IntentScores.shipped_or_fitted(KnowledgeBase.load(folder).intents, folder)
    assert own is not None
    best = int(np.argmax(own.scores(QUESTION)))
    assert own.intents[best] == "lollipop-rota"
