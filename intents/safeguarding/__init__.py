"""Spotting messages that suggest a child may be at risk, so they go to the DSO before anything.

Two layers. `SafeguardingCues` is the floor: a child word with a harm word from the lexicon's
`safeguarding:` cue lists. `SafeguardingModel` is learned from labelled examples and catches what
no cue list can: "she keeps mentioning her 22-year-old boyfriend from an app". The model's
threshold is set low (when in doubt, safeguarding wins), and a cue hit lowers it further: the
cues overrule the model unless it is all but sure the message is not about a child at risk (a
lesson on grooming, a poster saying "don't send nudes", a news story about FGM).

It learns from data/safeguarding/*.yaml (concerns by category, look-alike negatives, generated
contrast pairs, vocabulary groups) and, as ordinary questions, the intents' phrasings (but for
the intents that describe concerns). Before counting terms, each word of a vocabulary group is
followed by the group's name ("paracetamol" -> "paracetamol zzselfharm"), so a word no example
used still counts as its group does.

The model is TF-IDF over word 1-2 grams and char_wb 3-5 grams (sublinear tf, l2 norm per block)
with a logistic regression, fitted with scikit-learn, which is imported only to train. The
vocabulary, idf weights and coefficients are kept as plain dicts and NumPy arrays, and scoring
re-implements the transform in Python, so loading the model imports no scikit-learn. A message is
scored whole and window by window (each sentence, each two neighbouring sentences and, through a
long stretch without a full stop, runs of words), and the highest score counts, so a disclosure
buried in the middle of an ordinary question is scored on its own.
"""

from intents.safeguarding.cues import SafeguardingCues
from intents.safeguarding.examples import CATEGORIES
from intents.safeguarding.model import SafeguardingModel

__all__ = ["CATEGORIES", "SafeguardingCues", "SafeguardingModel"]
