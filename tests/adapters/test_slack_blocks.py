"""Block Kit rendering and Slack markup: what people see in Slack, and what the core is given."""

from __future__ import annotations

from adapters.slack.blocks import (
    BUTTON_LABEL_LIMIT,
    SECTION_LIMIT,
    clicked,
    escape,
    message,
    plain_text,
)
from bot.core.messages import Choice, Quote, Reply

QUOTE = Quote(
    "personal.no-pupils", "Personal use › Pupils", "Never accept <pupils> & ex-pupils.", "2.1"
)


def _texts(blocks: list[dict[str, object]]) -> list[str]:
    out = []
    for b in blocks:
        if b["type"] == "section":
            out.append(b["text"]["text"])  # type: ignore[index]
        elif b["type"] == "context":
            out += [e["text"] for e in b["elements"]]  # type: ignore[attr-defined]
    return out


def test_an_answer_is_text_then_heading_and_quoted_clause_then_version_then_buttons() -> None:
    reply = Reply(
        "Here's what the policy says:",
        quote=QUOTE,
        choices=(Choice("Helpful", "feedback:up:x"), Choice("Not helpful", "feedback:down:x")),
    )
    shown = message(reply)
    assert shown["text"] == "Here's what the policy says:"
    assert _texts(shown["blocks"]) == [
        "Here's what the policy says:",
        "*Personal use › Pupils*\n>Never accept &lt;pupils&gt; &amp; ex-pupils.",
        "Social Media Policy v2.1 · clause personal.no-pupils",
    ]
    [actions] = [b for b in shown["blocks"] if b["type"] == "actions"]
    assert [(e["text"]["text"], e["value"]) for e in actions["elements"]] == [
        ("Helpful", "feedback:up:x"),
        ("Not helpful", "feedback:down:x"),
    ]


def test_mentions_and_broadcasts_in_reply_text_are_shown_not_acted_on() -> None:
    shown = message(Reply("Ask <!channel> or <@U0DEMO001> & <https://evil.example|click>"))
    expected = "Ask &lt;!channel&gt; or &lt;@U0DEMO001&gt; &amp; &lt;https://evil.example|click&gt;"
    assert shown["text"] == expected
    assert _texts(shown["blocks"]) == [expected]


def test_long_text_is_split_into_sections_slack_accepts_without_losing_words() -> None:
    words = [f"word{n}&" for n in range(1500)]
    shown = message(Reply(" ".join(words)))
    sections = _texts(shown["blocks"])
    assert len(sections) > 1
    assert all(len(s) <= SECTION_LIMIT for s in sections)
    assert " ".join(sections).split() == [escape(w) for w in words]


def test_many_choices_make_several_button_rows_and_long_labels_are_clipped() -> None:
    choices = tuple(Choice(f"Person {n} " + "x" * 100, f"pick:{n}") for n in range(30))
    actions = [
        b for b in message(Reply("Who?", choices=choices))["blocks"] if b["type"] == "actions"
    ]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert len({a["block_id"] for a in actions}) == 2
    buttons = [e for a in actions for e in a["elements"]]
    assert [b["value"] for b in buttons] == [f"pick:{n}" for n in range(30)]
    assert len({b["action_id"] for b in buttons}) == 30
    assert all(len(b["text"]["text"]) <= BUTTON_LABEL_LIMIT for b in buttons)


def test_a_clicked_message_keeps_its_content_and_says_what_was_picked_instead_of_buttons() -> None:
    blocks = message(Reply("Approve case SMA-1?", choices=(Choice("Approve <now>", "a"),)))[
        "blocks"
    ]
    after = clicked(blocks, "Approve <now>")
    assert [b["type"] for b in after] == ["section", "context"]
    assert _texts(after) == ["Approve case SMA-1?", "✓ Approve &lt;now&gt;"]


def test_what_people_type_reaches_the_core_as_plain_text() -> None:
    assert plain_text("<@UBOT> can I post &amp; share?", "UBOT") == "can I post & share?"
    assert plain_text("ask <@U0DEMO001|agnes> about <https://x.example/a|this>") == (
        "ask agnes about this"
    )
    assert plain_text("ask <@U0DEMO001>") == "ask @U0DEMO001"
    assert plain_text("see <https://x.example/a> or <mailto:hr@x.example|hr@x.example>") == (
        "see https://x.example/a or hr@x.example"
    )
    assert plain_text("is 3 &lt; 4 &gt; 2?") == "is 3 < 4 > 2?"
