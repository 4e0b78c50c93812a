"""The logistic regression inside the matcher: it learns which words tell answers apart."""

from __future__ import annotations

import numpy as np

from intents.classifier import SoftmaxRegression
from tests.helpers import answerer

# Term ids: 0 "friend", 1 "request", 2 "parent", 3 "pupil", 4 "photo".
# Class 0 is about parents' friend requests, class 1 about pupils' friend requests, class 2
# about photos. "friend" and "request" appear in both of the first two classes.
EXAMPLES = [[0, 1, 2], [0, 2], [1, 2], [0, 1, 3], [0, 3], [1, 3], [4], [4, 3], [4, 2]]
LABELS = [0, 0, 0, 1, 1, 1, 2, 2, 2]


def model() -> SoftmaxRegression:
    return SoftmaxRegression.fit(EXAMPLES, LABELS, n_terms=5, epochs=60, step=0.2)


def test_the_word_that_differs_decides_between_siblings() -> None:
    m = model()
    assert np.argmax(m.probabilities([0, 1, 2], [1.0, 1.0, 1.0])) == 0
    assert np.argmax(m.probabilities([0, 1, 3], [1.0, 1.0, 1.0])) == 1
    assert np.argmax(m.probabilities([4], [1.0])) == 2


def test_shared_words_alone_leave_the_siblings_undecided() -> None:
    p = model().probabilities([0, 1], [1.0, 1.0])
    assert abs(p[0] - p[1]) < 0.1
    assert p[2] < min(p[0], p[1])


def test_probabilities_sum_to_one_and_a_lighter_term_counts_for_less() -> None:
    m = model()
    full, light = m.probabilities([2], [1.0]), m.probabilities([2], [0.3])
    assert abs(float(full.sum()) - 1.0) < 1e-5
    assert light[0] < full[0]


def test_training_is_deterministic() -> None:
    a, b = model(), model()
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.bias, b.bias)


def test_the_matcher_tells_sibling_clauses_apart() -> None:
    # Two bullets of the same "Do Not" list: sharing work processes vs. posting about pupils.
    ask = answerer().answer
    pupils = ask("can i put a post on my facebook about a pupil in my class")
    work = ask("can i post about work projects and processes on my own facebook")
    assert pupils.clause is not None and work.clause is not None
    assert pupils.clause.id != work.clause.id
