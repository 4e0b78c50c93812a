"""YAML data kept between starts: what the loader gave for that very text, or a fresh parse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from intents import yaml_data

TEXT = "closures: [2026-09-01]\nname: St Example\nempty:\n"


def test_a_second_load_of_the_same_text_is_the_saved_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = yaml_data.load(TEXT, strict=True, cache_as="test", cache_dir=tmp_path)
    assert first == yaml.safe_load(TEXT)
    assert first["closures"] == [date(2026, 9, 1)]  # a date still, not its text

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml, "load", refuse)
    assert yaml_data.load(TEXT, strict=True, cache_as="test", cache_dir=tmp_path) == first
    with pytest.raises(AssertionError, match="parsed again"):  # another text, or loader
        yaml_data.load(TEXT + "more: 1\n", strict=True, cache_as="test", cache_dir=tmp_path)
    with pytest.raises(AssertionError, match="parsed again"):
        yaml_data.load(TEXT, strict=False, cache_as="test", cache_dir=tmp_path)


def test_an_empty_document_is_kept_as_none(tmp_path: Path) -> None:
    assert yaml_data.load("", strict=False, cache_as="test", cache_dir=tmp_path) is None
    assert yaml_data.load("", strict=False, cache_as="test", cache_dir=tmp_path) is None


def test_a_text_that_does_not_load_raises_every_time(tmp_path: Path) -> None:
    twice = "role: a\nrole: b\n"
    for _ in range(2):
        with pytest.raises(yaml.YAMLError, match="duplicate key 'role'") as raised:
            yaml_data.load(twice, strict=True, cache_as="test", cache_dir=tmp_path)
        assert yaml_data.is_yaml_error(raised.value)
    assert yaml_data.load(twice, strict=False, cache_as="test", cache_dir=tmp_path) == {"role": "b"}
    assert not yaml_data.is_yaml_error(ValueError("not YAML's"))


def test_a_damaged_cache_is_parsed_again(tmp_path: Path) -> None:
    yaml_data.load(TEXT, strict=True, cache_as="test", cache_dir=tmp_path)
    (tmp_path / "yaml-test.pickle").write_bytes(b"not a pickle")
    assert yaml_data.load(TEXT, strict=True, cache_as="test", cache_dir=tmp_path)["empty"] is None
