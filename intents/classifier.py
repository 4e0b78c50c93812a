"""A multinomial logistic regression over term ids: which answer a set of terms points at.

The naive Bayes view counts how often each term appears with each answer; this one learns
weights that tell sibling answers apart, so a term shared by two clauses counts for neither and
the one word that differs decides. It is trained on every example phrasing when the matcher is
built (a fraction of a second, then cached with it), in numpy with the examples' terms as a
SciPy sparse matrix: examples have a handful of terms among thousands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.intp]


class SoftmaxRegression:
    """Class probabilities from weighted term ids, trained with L2 regularisation.

    Classes are weighted so a clause with few example phrasings is not drowned out by one with
    many. Training is a fixed number of full-batch Adam steps from zero: deterministic, and
    stopping early regularises as much as the penalty does.
    """

    def __init__(self, weights: Floats, bias: Floats) -> None:
        self.weights = weights
        self.bias = bias

    @classmethod
    def fit(
        cls,
        examples: Sequence[Sequence[int]],
        labels: Sequence[int],
        n_terms: int,
        *,
        c: float = 3.0,
        epochs: int = 12,
        step: float = 0.3,
    ) -> SoftmaxRegression:
        """Train on examples (each a non-empty list of distinct term ids) and their labels."""
        from scipy.sparse import csr_matrix

        y = np.asarray(labels, dtype=np.intp)
        n, k = len(y), int(y.max()) + 1
        share = (n / (k * np.bincount(y, minlength=k)[y])).astype(np.float32)
        ends = np.cumsum([len(e) for e in examples])
        terms = np.fromiter((t for e in examples for t in e), np.intp, int(ends[-1]))
        x = csr_matrix(
            (np.ones(len(terms), np.float32), terms, np.concatenate(([0], ends))),
            shape=(n, n_terms),
        )
        x_t = x.T.tocsr()
        w = np.zeros((n_terms, k), np.float32)
        b = np.zeros(k, np.float32)
        adam = [_Adam(w), _Adam(b)]
        for _ in range(epochs):
            logits = x @ w + b
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(n), y] -= 1.0  # the gradient of the loss with respect to the logits
            p *= share[:, None]
            grad = x_t @ p
            adam[0].step(w, c * grad + w, step)
            adam[1].step(b, c * p.sum(axis=0), step)
        return cls(w, b)

    def probabilities(self, terms: Sequence[int], weights: Sequence[float]) -> Floats:
        """P(class | terms), each term's row counted by its weight."""
        z = np.asarray(weights, np.float32) @ self.weights[np.asarray(terms, np.intp)] + self.bias
        e = np.exp(z - z.max())
        out: Floats = e / e.sum()
        return out


class _Adam:
    """Adam's running moments for one parameter array."""

    def __init__(self, like: npt.NDArray[Any]) -> None:
        self.m = np.zeros_like(like)
        self.v = np.zeros_like(like)
        self.t = 0

    def step(self, param: npt.NDArray[Any], grad: npt.NDArray[Any], rate: float) -> None:
        b1, b2 = 0.9, 0.999
        self.t += 1
        self.m = b1 * self.m + (1 - b1) * grad
        self.v = b2 * self.v + (1 - b2) * grad * grad
        m = self.m / (1 - b1**self.t)
        v = self.v / (1 - b2**self.t)
        param -= rate * m / (np.sqrt(v) + 1e-8)
