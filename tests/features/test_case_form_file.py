"""The business case steps file: a broken one stops start-up with the step and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.features.cases.form import STEPS_FILE, Form, FormError


def _steps_file(tmp_path: Path, old: str, new: str) -> Path:
    text = STEPS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "business_case.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_bundled_steps_load_in_order() -> None:
    form = Form.load()
    assert [s.id for s in form.steps][:3] == ["academy", "platform", "handle"]
    assert form.step("platform").options[0] == "Facebook"
    assert form.number("platform") == 2


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    kind: choice\n", "    kind: dropdown\n", "steps.1.kind"),
        ("    kind: choice\n", "    kind: choice\n    colour: red\n", "steps.1.colour"),
        (
            "    options: [Facebook, Instagram, X/Twitter, YouTube, LinkedIn, TikTok, Other]\n",
            "",
            "steps.1: a choice step needs options",
        ),
        ("      insta: Instagram\n", "      insta: Instagrum\n", "aliases point at options"),
        ("  - id: platform\n", "  - id: academy\n", "two steps share an id"),
        ("  - id: platform\n", "  - id: network\n", "needs steps ['platform']"),
        ("steps:\n", "stages:\n", "stages"),
    ],
)
def test_a_broken_steps_file_is_refused_with_its_path_and_reason(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    path = _steps_file(tmp_path, old, new)
    with pytest.raises(FormError) as refused:
        Form.load(path)
    assert str(path) in str(refused.value)
    assert expected in str(refused.value)


def test_a_fixed_file_is_checked_again_not_refused_from_memory(tmp_path: Path) -> None:
    path = _steps_file(tmp_path, "    kind: choice\n", "    kind: dropdown\n")
    with pytest.raises(FormError):
        Form.load(path)
    path.write_text(STEPS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert Form.load(path).step("platform").kind == "choice"
