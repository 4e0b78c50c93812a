"""Hostile inputs for every endpoint: shared by the tests (tests/adapters/test_hostile_*.py) and
by bench/hostile.py, which replays them all against real servers. Each endpoint must answer
every one with a 4xx (or its ordinary answer), never a 500, and log no traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_BODY = 1024 * 1024
"""The largest body the web application accepts (adapters/web.py)."""


@dataclass(frozen=True)
class Body:
    """A request body as sent, with its content type."""

    name: str
    data: bytes
    content_type: str = "application/json"


def deep(levels: int, opening: str = "[", closing: str = "]") -> str:
    """JSON nested `levels` deep."""
    return opening * levels + closing * levels


DEEP = "<arrays 1,000 deep>"
"""Stands for JSON nested 1,000 deep inside a body; `encode` writes it out."""


def encode(value: Any) -> bytes:
    """The value as a JSON body, with DEEP written out (json.dumps can't nest that deep)."""
    return json.dumps(value).replace(json.dumps(DEEP), deep(1000)).encode()


def deep_value(levels: int) -> Any:
    """A value nested `levels` deep, to put inside an otherwise good body."""
    value: Any = "bottom"
    for _ in range(levels):
        value = [value]
    return value


JSON_BODIES = [
    Body("empty", b""),
    Body("truncated JSON", b'{"type": "message"'),
    Body("a JSON array", b"[1]"),
    Body("a JSON string", b'"x"'),
    Body("JSON null", b"null"),
    Body("a JSON number", b"42"),
    Body("NaN", b'{"value": NaN}'),
    Body("Infinity", b"Infinity"),
    Body("1,000-deep arrays", deep(1000).encode()),
    Body("1,000-deep objects", ('{"a":' * 1000 + "1" + "}" * 1000).encode()),
    Body("100,000-deep arrays", deep(100_000).encode()),
    Body("not UTF-8", b'{"text": "\xff\xfe"}'),
    Body("a lone surrogate", b'{"text": "\\ud800"}'),
    Body("an integer of 5,000 digits", b'{"n": ' + b"9" * 5000 + b"}"),
    Body("a byte-order mark", b'\xef\xbb\xbf{"type": "message"}'),
    Body("a NUL byte", b'{"type": "mess\x00age"}'),
    Body("too large", b'{"text": "' + b"a" * (MAX_BODY + 10) + b'"}'),
    Body("plain text", b"hello", "text/plain"),
    Body("a form", b"a=1&b=2", "application/x-www-form-urlencoded"),
    Body("XML", b"<a>1</a>", "application/xml"),
]
"""Bodies no JSON endpoint should accept: odd content, shapes, sizes and content types."""


TEAMS_FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("timestamp not a date", {"timestamp": "notadate"}),
    ("timestamp in year 1", {"timestamp": "0001-01-01T00:00:00Z"}),
    ("localTimestamp not a date", {"localTimestamp": "1-1-1"}),
    ("from is text", {"from": "x"}),
    ("from has a numeric id", {"from": {"id": 1, "aadObjectId": []}}),
    ("recipient is a number", {"recipient": 1}),
    ("entities is text", {"entities": "x"}),
    ("entities holds text", {"entities": ["x"]}),
    ("a mention naming nobody", {"entities": [{"type": "mention", "mentioned": "x"}]}),
    ("attachments is text", {"attachments": "x"}),
    ("membersAdded holds numbers", {"membersAdded": [1]}),
    ("channelData is text", {"channelData": "x"}),
    ("channelData.tenant is text", {"channelData": {"tenant": "x"}}),
    ("conversation id is a number", {"conversation": {"id": 5}}),
    ("conversation tenant is a number", {"conversation": {"id": "a:1", "tenantId": 5}}),
    ("conversation is a list", {"conversation": ["a:1"]}),
    ("conversation id with a slash", {"conversation": {"id": "a/../../x"}}),
    ("no conversation", {"conversation": None}),
    ("serviceUrl not a URL", {"serviceUrl": "notaurl"}),
    ("serviceUrl a number", {"serviceUrl": 5}),
    ("channelId a number", {"channelId": 7}),
    ("type a number", {"type": 5}),
    ("an unknown type", {"type": "somethingElse"}),
    ("an invoke nobody handles", {"type": "invoke", "name": "x"}),
    ("text an object", {"text": {"a": 1}}),
    ("text a number", {"text": 5}),
    ("id an object", {"id": {}}),
    ("replyToId a number", {"replyToId": 5}),
    ("value a string", {"value": "x"}),
    ("value a list", {"value": [1]}),
    ("value 1,000 deep", {"value": DEEP}),
    ("channelData 1,000 deep", {"channelData": {"x": DEEP}}),
    ("value 40 deep", {"value": deep_value(40)}),
    ("text with control and bidi characters", {"text": "hi\x00\x1b[2J\u202e\u200b"}),
    ("text 100,000 characters", {"text": "a" * 100_000}),
]
"""Changes to a good Teams message activity that must be refused (or handled) with a 4xx."""


COMMENT_FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("received_at in year 1", {"received_at": "0001-01-01T00:00:00"}),
    ("received_at in year 1 east of UTC", {"received_at": "0001-01-01T00:00:00+14:00"}),
    ("received_at at the end of time", {"received_at": "9999-12-31T23:59:59-14:00"}),
    ("received_at in year 1999", {"received_at": "1999-12-31T23:59:59+00:00"}),
    ("received_at not a date", {"received_at": "notadate"}),
    ("received_at a number", {"received_at": 5}),
    ("received_at with a NUL inside", {"received_at": "2026-03-\x0003T10:05"}),
    ("account with a NUL", {"account": "@Holy\x00Cross"}),
    ("account a lone surrogate", {"account": "\ud800"}),
    ("account a list", {"account": []}),
    ("account 10,000 characters", {"account": "a" * 10_000}),
    ("summary empty", {"summary": "  "}),
    ("summary missing", {"summary": None}),
    ("summary 200,000 characters", {"summary": "a" * 200_000}),
    ("summary only control characters", {"summary": "\x00\x1b\u202e"}),
    ("summary with a password", {"summary": "parent says the password is Hunter2!"}),
    ("author a number", {"author": 5}),
    ("author with a PIN", {"author": "PIN 4821"}),
    ("an unknown field", {"extra": "x"}),
]
"""Changes to a good /api/comments body that must get a 400."""


AUTHORIZATIONS = [
    ("no header", None),
    ("empty", ""),
    ("non-ASCII", "Bearer ☃☃☃"),
    ("Latin-1", "Bearer caf\xe9"),
    ("Basic", "Basic YWRtaW46YWRtaW4="),
    ("very long", "Bearer " + "x" * 6000),
    ("bearer alone", "Bearer"),
]
"""Authorization headers that must get a 401 (and nothing read of the body)."""


SLACK_BODIES: list[tuple[str, str]] = [
    ("[1]", "application/json"),
    ('"x"', "application/json"),
    ("null", "application/json"),
    ("42", "application/json"),
    ("payload=%5B1%5D", "application/x-www-form-urlencoded"),
    (deep(1000), "application/json"),
    ('{"type": "event_callback", "event": "x"}', "application/json"),
    (
        '{"type": "event_callback", "event": {"type": "message", "text": {"a": 1}}}',
        "application/json",
    ),
    (
        '{"type": "event_callback", "event": {"type": "message", "channel_type": "im"}}',
        "application/json",
    ),
    (
        "payload="
        + json.dumps({"type": "block_actions", "actions": [], "user": {"id": "U0DEMO003"}}),
        "application/x-www-form-urlencoded",
    ),
    ("\xff\xfe", "application/json"),
    (
        '{"type": "event_callback", "event": {"type": "message", "channel_type": "im", '
        '"channel": "D1"}}',
        "application/json",
    ),
    (
        '{"type": "event_callback", "event": {"type": "message", "channel": true}}',
        "application/json",
    ),
    (
        '{"type": "event_callback", "event": {"type": "app_mention", "channel": "C1", '
        '"user": "U1"}}',
        "application/json",
    ),
    (
        '{"type": "event_callback", "event": {"type": "app_home_opened", "tab": "home"}}',
        "application/json",
    ),
    ('{"type": "event_callback", "team": 5, "event": {"type": "message"}}', "application/json"),
    (
        "payload="
        + json.dumps(
            {"type": "block_actions", "actions": [{"value": "help"}], "user": {"id": "U1"}}
        ),
        "application/x-www-form-urlencoded",
    ),
    (
        "payload="
        + json.dumps(
            {"type": "block_actions", "actions": [{"text": {"text": "1"}, "value": "help"}]}
        ),
        "application/x-www-form-urlencoded",
    ),
    ("command=%2Fpolicy&text=help", "application/x-www-form-urlencoded"),
    # A command's form with a field Bolt looks inside ("event", "message", ...) as plain text.
    ("command=%2Fpolicy&user_id=U1&event=x", "application/x-www-form-urlencoded"),
]
"""Bodies for /slack/events, signed and unsigned: a 4xx or Slack's 200, never a 500."""


CONSOLE_LINES = [
    "",
    " ",
    "\x00",
    "\x1b[2J\x1b[31mred",
    "\u202eevil",
    "a" * 20_000,
    "٣",
    "𝟓",
    "\ud800",
    "help\x00",
    "case",
    "choice:feedback:up:nonexistent",
    "{}",
    "[[[[[[[[",
]
"""Lines typed into the console chat."""


SECRETS: list[tuple[str, str]] = [
    ("the password is Hunter2!", "Hunter2!"),
    ("my password is bluesky99", "bluesky99"),
    ("ｐａｓｓｗｏｒｄ ｉｓ ｂｌｕｅｓｋｙ９９", "ｂｌｕｅｓｋｙ９９"),
    ("pass\u200bword is bluesky98", "bluesky98"),
    ("my login is admin / Summer2024", "Summer2024"),
    ("PIN 4821", "4821"),
    ("my PIN is 4822", "4822"),
    ("backup code is 8837 2291", "8837 2291"),
    ("pw Summer2026", "Summer2026"),
    ("login: admin, pass: Tr0ub4dor&3", "Tr0ub4dor&3"),
    ("p a s s w o r d is bluesky97", "bluesky97"),
    ("the api key is sk-live-4f9a8b7c6d5e4f3a2b1c", "sk-live-4f9a8b7c6d5e4f3a2b1c"),
    ("token xoxb-123456789012-abcdefABCDEF", "xoxb-123456789012-abcdefABCDEF"),
    ("use ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("AKIAIOSFODNN7EXAMPLE is the key", "AKIAIOSFODNN7EXAMPLE"),
]
"""Messages that hold a credential, with the credential: refused, and never stored or logged."""


LOOKALIKES = [
    "what is the password reset policy?",
    "can I pass the policy to staff?",
    "do I need to wear a PIN badge on trips?",
    "should staff share passwords with colleagues?",
    "how do I log in to the school account?",
    "who do I ask for a new login?",
    "is two-factor authentication required for the school account?",
    "can I post our token of thanks to the PTA on Facebook?",
    "who keeps the login details for the department Instagram?",
    "what happens to the password when I hand over the account?",
]
"""Messages about credentials that hold none: never refused."""
