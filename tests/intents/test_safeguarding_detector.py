"""The learned safeguarding detector: what it must catch, what it must leave alone, and that its
plain NumPy/Python scorer gives exactly what the scikit-learn pipeline it came from gives."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from intents.errors import KnowledgeError
from intents.knowledge import DATA, KnowledgeBase
from intents.safeguarding import CATEGORIES, SafeguardingCues, SafeguardingModel, shipped
from intents.safeguarding.examples import load_examples, load_vocabulary
from intents.safeguarding.fitting import Fitted, fit
from intents.safeguarding.model import is_general_question
from intents.safeguarding.windows import Preprocessor, spans

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def fitted() -> Fitted:
    return fit(load_examples(), load_vocabulary())


@pytest.fixture(scope="module")
def model(kb: KnowledgeBase, fitted: Fitted) -> SafeguardingModel:
    """The exported model, through a pickle, as the cache keeps it."""
    exported = SafeguardingModel.from_fitted(kb.lexicon, fitted)
    loaded = pickle.loads(pickle.dumps(exported, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(loaded, SafeguardingModel)
    return loaded


# Messages the cue rule missed.
MISSED_BY_CUES = [
    "a child told me an adult she met on roblox asked to meet her",
    "one of my year 7s said an older man online asked him for photos",
    "a pupil told me her stepdad has been sending her explicit pictures on snapchat",
    "my student told me she's been sending pics to her 19 year old boyfriend",
    "a year 8 is being cyberbullied in a WhatsApp group",
    "a parent is posting a video of a child being hit",
    "she keeps mentioning her 22-year-old boyfriend from an app",
]


@pytest.mark.parametrize("text", MISSED_BY_CUES)
def test_disclosures_the_cues_missed_are_flagged(model: SafeguardingModel, text: str) -> None:
    assert model.is_concern(text)
    assert model.category(text) in CATEGORIES


ORDINARY = [
    "can I post the year 6 leavers' photos on the school facebook",
    "a parent sent me a friend request on facebook, should I accept it",
    "can I message my year 10 tutor group on teams about their homework",
    "is it ok to keep photos of the school trip on my own phone until I upload them",
    "a mum keeps messaging me on whatsapp about her son's reading books",
    "a parent has been trolling me on facebook since parents' evening, what can I do",
    "some year 9s made a meme of me and it's going round snapchat, can I ask for it down",
    "a dad left an abusive comment about me on the school's instagram",
    "what does the designated safeguarding officer actually do",
    "what counts as a safeguarding concern under this policy",
    "who is the DSO for my academy and how do I contact them",
    "do I need consent before putting pupils' first names under photos",
    "can pupils follow the PE department's instagram account",
    "a former pupil who is now 24 sent me a friend request, can I accept",
    "can I use my personal email to send the class newsletter to parents",
    "is it ok to like a parent's post about the school fundraiser",
    "can I set up a class blog for my year 4s to share their writing",
    "should I reply to a pupil who emailed me at 9pm about coursework",
    "a year 11 asked for my snapchat, I said no, did I handle it right",
    "can I share the school's post about the charity fun run on my own twitter",
    "are we allowed to livestream the nativity on the school youtube channel",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_staff_questions_are_not_flagged(model: SafeguardingModel, text: str) -> None:
    assert not model.is_concern(text)
    assert model.category(text) is None


BURIED = [
    (
        "Hi, quick one about the sports day photos, can they go on the school page? Also a girl "
        "in my form said a man she met on tiktok wants her to meet him on saturday. And is there "
        "a deadline for the consent forms?"
    ),
    (
        "can i use whatsapp for the netball team reminders, one of the girls said her dad hit her "
        "again last night, also what time is the match on friday"
    ),
    (
        "Two things: where do I find the acceptable use policy, and a Year 9 boy told me someone "
        "online has pictures of him and wants money by tonight."
    ),
    (
        "I was going to ask about the department twitter but honestly I'm more worried that one of "
        "my tutees posted last night that nobody would miss her if she was gone. Who approves "
        "new accounts anyway?"
    ),
]


@pytest.mark.parametrize("text", BURIED)
def test_disclosures_buried_in_ordinary_questions_are_flagged(
    model: SafeguardingModel, text: str
) -> None:
    assert model.is_concern(text)


def test_a_buried_disclosure_scores_on_its_own_window(model: SafeguardingModel) -> None:
    """The sentence that carries the disclosure scores higher than the whole message (in
    log-odds: both probabilities may round to 1)."""
    text = (
        "Quick ones about the department accounts. Who approves a new twitter account for the "
        "science department? How quickly do we reply to comments on the school facebook page? Can "
        "I use the academy logo on the PE instagram? Do I reset the password when I hand the "
        "account over? Oh and a girl in my form said a man she met online wants to meet her on "
        "saturday. Also is there a deadline for the photo consent forms?"
    )
    best, where = model._best(text)
    assert "met online" in where and len(where) < len(text) / 3
    assert best > model.decision(text)
    assert model.is_concern(text)


def test_the_cue_floor_stands_for_every_concern(
    model: SafeguardingModel, kb: KnowledgeBase
) -> None:
    cues = SafeguardingCues(kb.lexicon)
    floored = [e.text for e in load_examples() if e.concern and cues.is_concern(e.text)]
    assert len(floored) > 100
    assert all(model.is_concern(t) for t in floored)


# Cue words (a child word and a harm word) in questions about teaching, posters and the news.
TOPICS_NOT_CHILDREN = [
    "I'm planning a Year 8 online safety lesson on grooming and sextortion. Can I use a CEOP "
    "video, or does the DSO need to check my resources first?",
    "Can I share the police appeal for a missing teenager from Cornwall on the school Facebook "
    "page? People are asking why we haven't.",
    "Our Year 9 RSE scheme covers forced marriage and honour-based abuse. Can we use a BBC clip?",
    "Can pupils in Year 9 make posters about sexting for the corridor display?",
]


@pytest.mark.parametrize("text", TOPICS_NOT_CHILDREN)
def test_a_cue_hit_lowers_the_bar_but_a_topic_question_stays_ordinary(
    model: SafeguardingModel, kb: KnowledgeBase, text: str
) -> None:
    assert SafeguardingCues(kb.lexicon).is_concern(text)
    assert model.bar(text) < model.threshold
    assert not model.is_concern(text)


def test_nothing_to_score(model: SafeguardingModel) -> None:
    assert model.score("") == 0.0
    assert not model.is_concern("   ")
    assert model.category("") is None


def test_windows_are_the_whole_its_sentences_and_their_pairs() -> None:
    toks, windows = spans("Quick question. Can I post this? My pupil is scared")
    texts = {" ".join(toks[s:e]) for s, e in windows}
    assert "quick question. can i post this? my pupil is scared" in texts
    assert {"quick question.", "can i post this?", "my pupil is scared"} <= texts
    assert "can i post this? my pupil is scared" in texts


def test_the_preprocessor_tags_vocabulary_groups_once() -> None:
    prep = Preprocessor(load_vocabulary())
    tagged = prep("He took PARACETAMOL and said he’ll end it")
    assert "paracetamol zzselfharm" in tagged and "he'll" in tagged
    assert prep(tagged) == tagged


def _texts_for_equivalence() -> list[str]:
    examples = [e.text for e in load_examples()]
    odd = [
        "",
        "   ",
        "a",
        "ÉCOLE naïve café — déjà vu!!",
        "İstanbul ΣΊΣΥΦΟΣ straße",
        "tabs\tand\nnew\r\nlines   and  spaces",
        "don’t ‘quote’ me “please”",
        "zzselfharm zzsex already tagged",
        "22-year-old 22 year old she's 22 hes 19 aged 30",
        "x" * 300,
        "🙂 emoji only 🙃",
        "a-b_c d'e f.g,h;i:j!k?l",
    ]
    return examples[::30] + odd


def test_numpy_scorer_equals_the_sklearn_pipeline(model: SafeguardingModel, fitted: Fitted) -> None:
    texts = _texts_for_equivalence()
    assert len(texts) >= 300
    x = fitted.features.transform(texts)
    expected = fitted.binary.decision_function(x)
    got = np.array([model.decision(t) for t in texts])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    for i in range(0, len(texts), 17):
        cols, vals = model.transform(texts[i])
        row = x[i].toarray().ravel()
        mine = np.zeros_like(row)
        mine[cols] = vals
        np.testing.assert_allclose(mine, row, rtol=0, atol=1e-9)
        scores = vals @ model.category_coef[cols] + model.category_intercept
        np.testing.assert_allclose(
            scores, fitted.category.decision_function(x[i])[0], rtol=0, atol=1e-6
        )


def _start_imports_sklearn(cache: Path) -> bool:
    """Start as the bot does (a new process loading the detector with this cache folder),
    check it scores, and say whether scikit-learn was imported on the way."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from intents.cache import load_safeguarding\n"
        f"m = load_safeguarding(cache_dir=Path({str(cache)!r}))\n"
        f"assert m.is_concern({MISSED_BY_CUES[0]!r})\n"
        "assert not m.is_concern('can I post the sports day photos on the school facebook')\n"
        "print('sklearn' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.strip() == "True"


def test_starting_needs_no_training_first_time_or_after(tmp_path: Path) -> None:
    """An empty cache (a new install, an upgrade): the model shipped with the data is read, so
    the first answer needs neither scikit-learn nor seconds of training; later starts read it
    from the cache. Fails when the shipped file is out of date: bench/fit_safeguarding.py."""
    assert not _start_imports_sklearn(tmp_path)
    assert list(tmp_path.rglob("safeguarding-*.pickle"))  # kept for the next start
    assert not _start_imports_sklearn(tmp_path)


def test_a_shipped_model_fitted_on_other_files_is_passed_over(tmp_path: Path) -> None:
    """A trust that edits the examples gets a model trained on its own files, not the shipped
    one: the shipped file's key no longer matches."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    lexicon = KnowledgeBase.load(folder).lexicon
    assert shipped.load(lexicon, folder) is not None
    extra = folder / "safeguarding" / "negatives-local.yaml"
    extra.write_text("negatives:\n  local:\n    - our own harmless example sentence\n")
    assert shipped.load(lexicon, folder) is None
    assert not shipped.is_current(folder)


def test_a_general_question_needs_more_than_one_naming_a_child() -> None:
    assert is_general_question("where can students report cyberbullying anonymously?")
    assert is_general_question("how do pupils report bullying by other pupils on tiktok")
    assert not is_general_question("how do I help a year 9 who told me she is being groomed")
    assert not is_general_question("one of my year 8s is being bullied in a group chat")
    assert not is_general_question("what do I do, she says her stepdad hits her")


def test_a_category_written_twice_in_one_file_is_refused_not_half_lost(tmp_path: Path) -> None:
    (tmp_path / "safeguarding").mkdir()
    (tmp_path / "safeguarding" / "positives.yaml").write_text(
        "positives:\n  neglect:\n    - he comes in hungry every day\n"
        "  neglect:\n    - same clothes all week\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError, match="duplicate key 'neglect'"):
        load_examples(tmp_path)
