"""The trust directory: the bundled demo loads, and broken files are refused with clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from adapters.slack.people import SLACK_ID
from adapters.teams.people import TEAMS_ID
from bot.model.directory import DirectoryError
from bot.model.directory_file import DEMO_TRUST, check_ids, load_directory, parse_directory

Data = dict[str, Any]
PLATFORM_IDS = (SLACK_ID, TEAMS_ID)
"""The chat platforms' id formats, as the adapters check them."""


def _demo_data() -> Data:
    data: Data = yaml.safe_load(DEMO_TRUST.read_text(encoding="utf-8"))
    return data


def _person(data: Data, person_id: str) -> Data:
    found: Data = next(p for p in data["people"] if p["id"] == person_id)
    return found


def _write(tmp_path: Path, change: Callable[[Data], object]) -> Path:
    data = _demo_data()
    change(data)
    path = tmp_path / "trust.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _refusal(tmp_path: Path, change: Callable[[Data], object]) -> str:
    path = _write(tmp_path, change)
    with pytest.raises(DirectoryError) as refused:
        load_directory(path, PLATFORM_IDS)
    message = str(refused.value)
    assert str(path) in message
    return message


def test_demo_trust_loads_with_two_academies() -> None:
    directory = load_directory(DEMO_TRUST)
    assert directory.trust.policy_url.startswith("https://")
    assert [a.id for a in directory.academies] == ["st-marys", "holy-cross"]
    teacher = directory.person("demo-teacher")
    assert teacher is not None and teacher.role == "teacher"
    holy_cross = directory.academy_of(teacher)
    assert holy_cross is not None and holy_cross.id == "holy-cross"
    it = directory.person("liam-bytes")
    assert it is not None and directory.academy_of(it) is None
    assert {a.it_contact for a in directory.academies} == {"liam-bytes"}


def test_demo_academy_settings_and_defaults() -> None:
    directory = load_directory(DEMO_TRUST)
    primary, secondary = directory.academies
    assert primary.working_hours == (time(8), time(17))
    assert secondary.working_hours.start == time(7, 45)
    assert primary.timezone == secondary.timezone == "Europe/London"
    assert primary.annual_reminder is None
    assert secondary.annual_reminder == (9, 2)
    assert date(2026, 9, 1) in primary.closures
    assert date(2026, 10, 28) in primary.closures  # inside the half-term range
    assert date(2026, 12, 31) in primary.closures
    assert date(2026, 11, 2) not in primary.closures


def test_lookups_by_chat_ids_and_email() -> None:
    directory = load_directory(DEMO_TRUST)
    head = directory.by_slack_id("U0DEMO001")
    assert head is not None and head.id == "agnes-example"
    dso = directory.by_teams_id("00000000-0000-4000-8000-000000000008")
    assert dso is not None and dso.id == "helen-proxy"
    assert directory.by_teams_id("00000000-0000-4000-8000-0000000000AB") is None
    by_email = directory.by_email("  D.Demo@HolyCross.Example.ORG ")
    assert by_email is not None and by_email.id == "demo-teacher"
    assert directory.by_slack_id("U0NOBODY") is None
    assert directory.by_email("nobody@example.org") is None


def test_fuzzy_name_lookup_tolerates_typos() -> None:
    directory = load_directory(DEMO_TRUST)
    assert [p.id for p in directory.find_people("Agnes Exmaple")][:1] == ["agnes-example"]
    assert [p.id for p in directory.find_people("clara testwel")][:1] == ["clara-testwell"]
    assert [p.id for p in directory.find_people("Helen")][:1] == ["helen-proxy"]
    assert directory.find_people("Xylophone Quartz") == []


def test_exact_name_or_id_comes_first_and_academy_narrows() -> None:
    directory = load_directory(DEMO_TRUST)
    assert directory.find_people("dana demo")[0].id == "demo-teacher"
    assert directory.find_people("demo-teacher")[0].id == "demo-teacher"
    assert len(directory.find_people("Sam", limit=1)) == 1
    in_secondary = directory.find_people("Sample", academy_id="holy-cross")
    assert [p.id for p in in_secondary] == ["jack-sampleton"]


def test_leadership_and_managers() -> None:
    directory = load_directory(DEMO_TRUST)
    assert directory.is_leader("bernard-sample", "st-marys")
    assert not directory.is_leader("bernard-sample", "holy-cross")
    assert not directory.is_leader("clara-testwell", "st-marys")
    assert [p.id for p in directory.leadership_of("holy-cross")] == [
        "frances-dummy",
        "gregory-specimen",
    ]
    assert [p.id for p in directory.managers_of("st-marys")] == ["agnes-example", "edwin-fakeley"]
    assert [p.id for p in directory.managers_of("holy-cross")] == [
        "frances-dummy",
        "jack-sampleton",
    ]
    assert directory.managers_of("no-such-school") == []
    staff = {p.id for p in directory.staff_of("st-marys")}
    assert staff == {"agnes-example", "bernard-sample", "clara-testwell", "dora-mockford"} | {
        "edwin-fakeley"
    }


def test_parse_directory_accepts_already_parsed_data() -> None:
    directory = parse_directory(_demo_data(), "inline", PLATFORM_IDS)
    assert directory.person("mina-peopleworth") is not None


def test_name_of_gives_the_name_or_the_id_of_someone_gone() -> None:
    directory = load_directory(DEMO_TRUST)
    assert directory.name_of("clara-testwell") == "Clara Testwell"
    assert directory.name_of("left-in-2024") == "left-in-2024"


def test_platform_ids_are_plain_text_until_a_platform_checks_them(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: _person(d, "clara-testwell").update(slack_id="clara"))
    directory = load_directory(path)  # no platform's rules: any text is kept as it is
    clara = directory.person("clara-testwell")
    assert clara is not None and clara.slack_id == "clara"
    check_ids(directory, [TEAMS_ID])  # the Teams adapter has nothing against it
    with pytest.raises(DirectoryError) as refused:
        check_ids(directory, [SLACK_ID])  # as the Slack adapter does when it starts
    assert str(refused.value) == (
        f"{path}: people[2].slack_id: 'clara' is not a Slack user id "
        "(U or W, then capitals and digits: U0123ABCD)"
    )


def test_a_wrong_platform_id_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    def two_mistakes(data: Data) -> None:
        _person(data, "clara-testwell").update(teams_id="12345", academy="st-marks")

    lines = _refusal(tmp_path, two_mistakes).splitlines()
    assert lines == [
        f"{tmp_path / 'trust.yaml'}: people[2].teams_id: '12345' is not a Teams (Azure AD) "
        "object id, a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        f"{tmp_path / 'trust.yaml'}: people[2].academy: no academy with id 'st-marks'",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["academies"][0].update(headteacher="p-nobody"),
            "academies[0].headteacher: no person with id 'p-nobody'",
        ),
        (
            lambda d: d["academies"][1].update(safeguarding_officer="bernard-sample"),
            "academies[1].safeguarding_officer: 'bernard-sample' belongs to academy 'st-marys'",
        ),
        (
            lambda d: d["academies"][0].update(leadership=["bernard-sample"]),
            "academies[0].leadership: must include the headteacher 'agnes-example'",
        ),
        (
            lambda d: d["academies"][0].update(leadership=[]),
            "academies[0].leadership: should list at least one",
        ),
        (
            lambda d: d["academies"][0]["leadership"].append("gregory-specimen"),
            "academies[0].leadership[2]: 'gregory-specimen' belongs to academy 'holy-cross'",
        ),
        (
            lambda d: d["academies"][1].update(it_contact="clara-testwell"),
            "academies[1].it_contact: 'clara-testwell' belongs to academy 'st-marys'",
        ),
        (
            lambda d: d["academies"][0].update(headteacher="liam-bytes"),
            "academies[0].headteacher: 'liam-bytes' belongs to the trust (no academy)",
        ),
        (
            lambda d: d["academies"][1].update(id="St Marys"),
            "academies[1].id: 'St Marys' is not a valid id",
        ),
        (
            lambda d: d["academies"][1].update(id="st-marys"),
            "academies[1].id: id 'st-marys' is already used by academies[0]",
        ),
        (
            lambda d: d["academies"][0].pop("it_contact"),
            "academies[0].it_contact: missing (this field is required)",
        ),
        (
            lambda d: d["academies"][0].update(timezone="Europe/Examplefield"),
            "academies[0].timezone: 'Europe/Examplefield' is not a time zone name",
        ),
        (
            lambda d: d["academies"][0].update(working_hours="17:00-08:00"),
            "academies[0].working_hours: start 17:00 must be before end 08:00",
        ),
        (
            lambda d: d["academies"][0].update(working_hours="9 till 5"),
            'academies[0].working_hours: should be a start-end range on the 24-hour clock, in quotes, like "08:00-17:00"',  # noqa: E501
        ),
        (
            lambda d: d["academies"][0]["closures"].append("next tuesday"),
            "academies[0].closures[4]: 'next tuesday' is not a date like 2026-10-23",
        ),
        (
            lambda d: d["academies"][0]["closures"].append(
                {"from": date(2026, 10, 30), "to": date(2026, 10, 26)}
            ),
            "academies[0].closures[4]: 'from' 2026-10-30 is after 'to' 2026-10-26",
        ),
        (
            lambda d: d["academies"][1].update(annual_reminder="02-30"),
            "academies[1].annual_reminder: '02-30' is not a day that occurs every year",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(email="agnes.example@"),
            "people[2].email: 'agnes.example@' is not a valid email address",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(email="A.Example@StMarys.example.org"),
            "people[2].email: email 'A.Example@StMarys.example.org' is already used by people[0]",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(id="agnes-example"),
            "people[2].id: id 'agnes-example' is already used by people[0]",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(slack_id="U0DEMO001"),
            "people[2].slack_id: Slack id 'U0DEMO001' is already used by people[0]",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(
                teams_id="00000000-0000-4000-8000-000000000001"
            ),
            "people[2].teams_id: Teams id '00000000-0000-4000-8000-000000000001' is already used"
            " by people[0]",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(slack_id="clara"),
            "people[2].slack_id: 'clara' is not a Slack user id",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(teams_id="12345"),
            "people[2].teams_id: '12345' is not a Teams (Azure AD) object id",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(role="dinner lady"),
            "people[2].role: 'dinner lady' is not allowed; use one of 'teacher', 'support'",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(academy="st-marks"),
            "people[2].academy: no academy with id 'st-marks'",
        ),
        (
            lambda d: _person(d, "clara-testwell").pop("academy"),
            "people[2].academy: missing; only hr, it and admin staff can be trust-wide",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(emial="c@example.org"),
            "people[2].emial: unknown field (check the spelling)",
        ),
        (
            lambda d: _person(d, "clara-testwell").pop("name"),
            "people[2].name: missing (this field is required)",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(name=""),
            "people[2].name: should not be empty",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(name=None),
            "people[2].name: should not be empty",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(phone=1632960003),
            "people[2].phone: should be text, not a number (put it in quotes)",
        ),
        (
            lambda d: _person(d, "clara-testwell").update(manager="yes please"),
            "people[2].manager: should be true or false",
        ),
        (
            lambda d: d.update(acadmies=[]),
            "acadmies: unknown field (check the spelling)",
        ),
        (
            lambda d: d.pop("trust"),
            "trust: missing (this field is required)",
        ),
        (
            lambda d: d["trust"].update(policy_url="intranet/policies"),
            "trust.policy_url: 'intranet/policies' is not a web address",
        ),
        (
            lambda d: d.update(people="everyone"),
            "people: should be a list",
        ),
        (
            lambda d: d["people"].append("someone"),
            "people[13]: should be a set of fields",
        ),
    ],
)
def test_invalid_file_is_refused_with_path_and_reason(
    tmp_path: Path, change: Callable[[Data], object], expected: str
) -> None:
    assert expected in _refusal(tmp_path, change)


def test_every_problem_is_reported_on_its_own_line(tmp_path: Path) -> None:
    def two_mistakes(data: Data) -> None:
        data["academies"][0]["headteacher"] = "p-nobody"
        _person(data, "clara-testwell")["academy"] = "st-marks"

    lines = _refusal(tmp_path, two_mistakes).splitlines()
    assert len(lines) >= 2
    assert any("people[2].academy: no academy with id 'st-marks'" in line for line in lines)
    assert any("academies[0].headteacher: no person with id 'p-nobody'" in line for line in lines)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("trust:\n  name: Example\n  policy_url: [unclosed\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"broken\.yaml: line \d+: invalid YAML"):
        load_directory(path)


def test_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    text = DEMO_TRUST.read_text(encoding="utf-8").replace(
        "    role: teacher\n", "    role: teacher\n    role: support\n", 1
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        DirectoryError, match=r"dup\.yaml: line \d+: invalid YAML: duplicate key 'role'"
    ):
        load_directory(path)


def test_empty_missing_and_non_mapping_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"empty\.yaml: the file is empty"):
        load_directory(empty)
    with pytest.raises(DirectoryError, match=r"absent\.yaml: cannot read the file"):
        load_directory(tmp_path / "absent.yaml")
    with pytest.raises(DirectoryError, match="inline: should be a mapping"):
        parse_directory(["trust", "academies"], "inline")


def test_a_checked_file_is_read_back_as_it_was_and_an_edit_is_checked_again(
    tmp_path: Path,
) -> None:
    path, cache = _write(tmp_path, lambda data: None), tmp_path / "cache"
    first = load_directory(path, cache_dir=cache)
    read_back = subprocess.run(
        [sys.executable, "-c", _READ_BACK, str(path), str(cache)],
        capture_output=True,
        text=True,
        check=True,
    )
    # The later start neither parses the YAML nor validates: neither library is imported.
    assert json.loads(read_back.stdout) == {
        "people": [repr(p) for p in first.people],
        "academies": [a.name for a in first.academies],
        "parsed or validated": [],
    }
    path.write_text(
        path.read_text(encoding="utf-8").replace("role: teacher", "role: wizard", 1),
        encoding="utf-8",
    )
    with pytest.raises(DirectoryError, match="'wizard' is not allowed"):
        load_directory(path, cache_dir=cache)


_READ_BACK = """
import json, sys
from pathlib import Path
from bot.model.directory_file import load_directory
directory = load_directory(sys.argv[1], cache_dir=Path(sys.argv[2]))
print(json.dumps({
    "people": [repr(p) for p in directory.people],
    "academies": [a.name for a in directory.academies],
    "parsed or validated": [m for m in ("yaml", "pydantic") if m in sys.modules],
}))
"""
