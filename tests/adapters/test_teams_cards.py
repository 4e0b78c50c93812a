"""Adaptive Cards: replies look right in Teams, and typed text can't become links or markup."""

from __future__ import annotations

from adapters.teams.cards import VERSION, plain, reply_card, submitted_choice
from bot.core.messages import Choice, Quote, Reply
from tests.fake_connector import unescape

QUOTE = Quote("images.no-photos", "Principles › Images", "Do not post photos of pupils.", "2.1")


def test_a_markdown_link_typed_by_someone_is_shown_as_text_not_a_link() -> None:
    typed = "see [the new policy](https://evil.example/login) **now**"
    escaped = plain(typed)
    assert "[the new policy](" not in escaped
    assert "**now**" not in escaped
    assert unescape(escaped) == typed  # what Teams displays is exactly what was typed


def test_lists_headings_mentions_and_templates_are_shown_literally() -> None:
    for typed in ["- item", "1. first", "# Heading", "<at>Everyone</at>", "{{DATE(2025-01-01)}}"]:
        escaped = plain(typed)
        assert escaped != typed
        assert unescape(escaped) == typed


def test_an_answer_card_quotes_the_clause_and_has_a_button_per_choice() -> None:
    reply = Reply(
        "Here's what the policy says:",
        quote=QUOTE,
        choices=(Choice("Helpful", "feedback:up:images.no-photos:"),),
    )
    card = reply_card(reply)
    assert card["type"] == "AdaptiveCard" and card["version"] == VERSION
    [intro, quote] = card["body"]
    assert intro["text"] == "Here's what the policy says:"
    assert [i["text"] for i in quote["items"]] == [
        "Principles › Images",
        "Do not post photos of pupils.",
        "Social Media Policy v2.1, clause images.no-photos",
    ]
    assert card["actions"] == [
        {
            "type": "Action.Submit",
            "title": "Helpful",
            "data": {"choice": "feedback:up:images.no-photos:"},
        }
    ]


def test_each_line_of_a_reply_is_its_own_block_so_line_breaks_survive() -> None:
    card = reply_card(Reply("Ask me, for example:\n• one\n• two\n\nOr type help."))
    assert [b["text"] for b in card["body"]] == [
        "Ask me, for example:",
        "• one",
        "• two",
        "Or type help.",
    ]
    assert card["body"][3]["spacing"] == "Medium"  # the blank line
    assert "actions" not in card


def test_a_closed_card_keeps_its_content_and_says_who_chose_what_instead_of_buttons() -> None:
    reply = Reply("Approve?", choices=(Choice("Approve", "case:1:approve"),))
    card = reply_card(reply, picked="Agnes Example chose: Approve")
    assert "actions" not in card
    assert card["body"][-1]["text"] == "✓ Agnes Example chose: Approve"


def test_only_a_string_choice_in_the_submit_data_counts() -> None:
    assert submitted_choice({"choice": "help"}) == "help"
    assert submitted_choice({"choice": ["help"]}) is None
    assert submitted_choice({"choice": ""}) is None
    assert submitted_choice("help") is None
    assert submitted_choice(None) is None
