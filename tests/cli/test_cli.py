"""The `policybot` command line, run as a separate process like a user or script would."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.output import answer_json
from bot.core.answers import build_answerer

ROOT = Path(__file__).resolve().parents[2]


def policybot(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_ask_json_gives_the_clause_and_its_section() -> None:
    done = policybot("ask", "--json", "shud i reset the password after taking over the school fb")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["answered"] is True
    assert answer["clause_id"] == "handover.when-controller-trust"
    assert answer["text"].startswith("Use of Social Media for Professional Purposes › Handover: ")
    assert "Passwords should be reset once handover has been completed." in answer["text"]
    assert 0 < answer["score"] <= 1
    assert set(answer) >= {"question", "section", "alternatives"}
    assert all(set(a) == {"clause_id", "section", "score"} for a in answer["alternatives"])


def test_ask_json_quotes_a_list_with_its_bullets() -> None:
    answer = json.loads(policybot("ask", "--json", "what are the aims of this policy").stdout)
    assert answer["answered"] is True
    lines = answer["text"].split("\n")
    assert lines[0] == "Aims of the Policy: The purpose of this policy is to ensure that:"
    assert (
        "• Safeguarding of children and young people is not threatened by use of social media."
        in lines
    )
    assert len(answer["text"]) <= 1500


def test_ask_in_plain_text_shows_a_bullet_under_its_list_introduction() -> None:
    done = policybot("ask", "could I be dismissed for sending harassing messages to colleagues")
    assert done.returncode == 0, done.stderr
    heading, lead, bullet, source = done.stdout.splitlines()
    assert heading == "Failure to Comply with the Policy"
    assert lead == "  Examples of cases which may involve disciplinary action or dismissal include:"
    assert bullet.startswith("  • Commenting about other colleagues at work")
    assert source.startswith("  (clause breach.commenting-about-other, score ")


def test_ask_json_declines_what_the_policy_does_not_cover() -> None:
    answer = json.loads(policybot("ask", "--json", "what's for lunch in the canteen").stdout)
    assert answer["answered"] is False
    assert answer["clause_id"] is None
    assert "can't find" in answer["text"]


def test_ask_json_reports_each_question_of_a_message_asking_two() -> None:
    message = "can I friend a parent on fb? and what's the password for the PE twitter"
    answer = json.loads(policybot("ask", "--json", message).stdout)
    first, second = answer["parts"]
    assert answer["question"] == message
    assert first["question"] == "can I friend a parent on fb?"
    assert first["answered"] is True and first["clause_id"] == answer["clause_id"]
    assert answer["text"] == first["text"] and answer["answered"] is True  # nothing quoted for 2
    assert second["question"] == "what's the password for the PE twitter"
    assert second["answered"] is False and second["redirect"] == "credentials"
    assert "Trust IT Team" in second["text"]
    assert set(first) == set(second) == set(answer) - {"parts"}
    single = json.loads(policybot("ask", "--json", "can I friend a parent on fb?").stdout)
    assert "parts" not in single and single["redirect"] is None


def test_ask_json_text_quotes_each_answered_question_of_a_message() -> None:
    message = "can I friend a parent on fb and can I post pupils' photos on my own insta"
    answer = json.loads(policybot("ask", "--json", message).stdout)
    first, second = answer["parts"]
    assert first["clause_id"] != second["clause_id"]
    assert answer["text"] == f"{first['text']}\n\n{second['text']}"


def test_ask_in_plain_text_answers_each_question_of_a_message_under_its_number() -> None:
    message = "can I friend a parent on fb? and what's the password for the PE twitter"
    done = policybot("ask", message)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.split("\n2. ")
    assert first.startswith("1. can I friend a parent on fb?\n")
    assert "(clause good-practice." in first
    assert second.startswith("what's the password for the PE twitter\n")
    assert "Trust IT Team" in second and "(sent elsewhere: credentials" in second


def test_ask_says_what_the_bot_would_say_when_it_declines_and_claims_no_note() -> None:
    plain = policybot("ask", "what's for lunch in the canteen").stdout
    said, why = plain.rstrip("\n").split("\n")
    assert said.startswith("Sorry, I can't find anything in the Social Media Policy")
    assert why.startswith("  (declined, best score ")
    answer = json.loads(policybot("ask", "--json", "what's for lunch in the canteen").stdout)
    assert "noted" not in said and "noted" not in answer["text"]  # ask records nothing


def test_ask_json_gives_the_policy_address_for_where_to_read_it() -> None:
    answer = json.loads(policybot("ask", "--json", "where can I read the full policy").stdout)
    assert answer["answered"] is False and answer["redirect"] == "policy-link"
    assert answer["text"].endswith("https://trust.example.org/policies/social-media")


def test_batch_keeps_order_and_ids_for_json_lines_and_plain_lines(tmp_path: Path) -> None:
    batch = tmp_path / "qs.jsonl"
    batch.write_text(
        '{"id": "a1", "q": "who is on bus duty", "kind": "oos"}\n'
        "\n"
        '{"id": "a2", "q": "new head of dept took over our twitter, change the password?"}\n',
        encoding="utf-8",
    )
    lines = policybot("ask", "--json", "--batch", str(batch)).stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a1", "a2"]
    assert [json.loads(line)["answered"] for line in lines] == [False, True]
    plain = policybot("ask", "--json", "--batch", "-", stdin="hello there\nthanks\n")
    assert len(plain.stdout.splitlines()) == 2
    assert "id" not in json.loads(plain.stdout.splitlines()[0])


def test_batch_with_a_broken_line_says_where(tmp_path: Path) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_text('{"id": "a1", "q": "fine"}\n{"id": "a2", q: oops}\n', encoding="utf-8")
    done = policybot("ask", "--json", "--batch", str(batch))
    assert done.returncode == 2
    assert "bad.jsonl:2: not valid JSON" in done.stderr


def test_intents_check_passes_on_the_shipped_knowledge_base() -> None:
    done = policybot("intents", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "clauses of policy v2.1 (09/2020)" in done.stdout


def test_chat_piped_on_a_fresh_directory_creates_the_database(tmp_path: Path) -> None:
    done = policybot("chat", stdin="hi\ncan i follow my pupils on tiktok\nquit\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Hello Dana" in done.stdout
    assert (tmp_path / "policybot.db").exists()
    again = policybot("gaps", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_chat_as_an_unknown_user_lists_the_people_it_knows(tmp_path: Path) -> None:
    done = policybot("chat", "--user", "nobody", cwd=tmp_path)
    assert done.returncode == 2
    assert "'nobody' is not in the trust directory" in done.stderr
    assert "demo-teacher" in done.stderr


def test_a_broken_trust_file_is_refused_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "trust.yaml"
    bad.write_text(
        "trust: {name: X, policy_url: 'https://x'}\nacademies: []\npeople: []\ncolour: blue\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "adapters", "chat"],
        input="",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={"TRUST_FILE": str(bad), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert "trust.yaml" in done.stderr and "colour" in done.stderr


def test_a_batch_answers_every_good_line_and_reports_each_bad_one_on_its_line() -> None:
    lines = (
        '{"id": 1, "q": "can i accept a friend request from a parent"}\n'
        "{{7*7}}\n"
        "\ufeffcan I dm a pupil on instagram\n"
        '{"id": NaN, "q": "x"}\n'
        '{"id": 1e999, "q": "x"}\n'
        '{"q": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
        "what about tiktok\n"
    )
    done = policybot("ask", "--json", "--batch", "-", stdin=lines)
    out = [json.loads(line) for line in done.stdout.splitlines()]  # every line valid JSON
    assert [o.get("line") for o in out] == [None, 2, None, 4, 5, 6, None]
    assert out[2]["question"] == "can I dm a pupil on instagram"  # the BOM is not text
    assert out[5] == {"line": 6, "error": "not valid JSON: nested too deeply"}
    assert out[6]["question"] == "what about tiktok"
    assert done.returncode == 2
    assert "-:2: not valid JSON" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_batch_file_is_one_line() -> None:
    done = policybot("ask", "--json", "--batch", "/nonexistent/questions.jsonl")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "policybot: cannot read /nonexistent/questions.jsonl: No such file or directory"
    )


def test_an_unreachable_database_is_one_line_saying_what_to_check(tmp_path: Path) -> None:
    for url in (
        "postgresql://postgres@127.0.0.1:1/policybot",
        f"sqlite:///{tmp_path}/no/such/folder/policybot.db",
    ):
        done = subprocess.run(
            [sys.executable, "-m", "adapters", "outbox"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            env={**os.environ, "DATABASE_URL": url},
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("policybot: cannot open the database at ")
        assert "check DATABASE_URL" in done.stderr and "Traceback" not in done.stderr


def test_gaps_print_no_control_characters_even_for_rows_stored_before_cleaning(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'policybot.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    run = [sys.executable, "-m", "adapters"]
    subprocess.run([*run, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    with sqlite3.connect(tmp_path / "policybot.db") as db:
        db.execute(
            "INSERT INTO declined_question (key, text, created_at) VALUES (?, ?, ?)",
            ("k", "inset\x1b[2J day\x07 \u202eevil", "2026-12-01 10:00:00.000000"),
        )
    done = subprocess.run([*run, "gaps"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "inset" in done.stdout
    assert not any(ch in done.stdout for ch in "\x1b\x07\u202e")


def test_ask_json_quotes_the_clause_asked_about_after_the_dso(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answerer = build_answerer()  # unsure about everything: a possible risk, not a clear one
    monkeypatch.setattr(answerer.detector, "is_concern", lambda text: True)
    monkeypatch.setattr(answerer.detector, "score", lambda text: 0.2)
    answer = answer_json(answerer.answer("can I friend a parent on facebook?"), "declined")
    assert answer["safeguarding"] is True
    assert answer["clause_id"] == "safeguarding-concerns.seek-dso-advice"
    beside = answer["beside"]
    assert beside["clause_id"] == "good-practice.consider-carefully-whether"
    assert answer["text"].startswith("Concerns about Safeguarding: ")
    assert answer["text"].endswith(f"\n\n{beside['text']}")
