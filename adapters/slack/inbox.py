"""What goes through the inbox from Slack, and what is kept of it: everything a person says or
clicks to the bot, kept before Slack hears 200 and answered from there (respondent.py).

`kept_event` picks it out of a verified request body:
- a direct message to the bot, or a mention of it in a channel: the Slack user and the text,
  credentials masked (`keepable`, so a pasted password is never written anywhere) and sealed
  (so the database never holds what people wrote in readable form); a mention also keeps the
  thread it is answered in, and a direct message (or a click in a DM) the DM's id, so the
  answer is posted there without asking Slack to open it;
- a /policy command: the user, its text (masked and sealed likewise) and its response_url,
  sealed (addresses.py), through which it is answered privately;
- a click on one of our buttons: the user, the clicked choice value and how the clicked message
  is to be shown once answered (its text and blocks, the buttons replaced by "✓ label"), sealed
  likewise, as a vote's value carries the question voted on and the message may repeat what
  the person wrote; and where it is answered: the DM it was clicked in, the thread of the
  message clicked in a channel, or the click's response_url for a private answer.
Everything from one Slack user is kept in one conversation, so it is answered one event at a
time in the order it came (the core keeps one conversation per person), a click never
overtaking the message before it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from adapters.sealing import Seal
from adapters.slack.addresses import PLATFORM, in_thread, through_response_url
from adapters.slack.blocks import CHOICE_ACTION, clicked, escape, plain_text
from bot.core.secrets import keepable
from bot.jobs.answering import Event

COMMAND = "/policy"


def kept_event(
    body: str, content_type: str, bot_user_id: str | None, seal: Seal, now: datetime
) -> Event | None:
    """The inbox entry for a direct message, mention, /policy command or click on one of our
    buttons, or None for anything else (left to Bolt).

    The body has passed `inbound.problem`, so it parses, and an event's or a click's fields
    have the types Slack sends."""
    if content_type == "application/json":
        return kept_message(json.loads(body), bot_user_id, seal)
    form = parse_qs(body)
    if payload := form.get("payload"):  # interactivity: a form holding one JSON payload
        return kept_click(json.loads(payload[0]), seal, now)
    return kept_command({name: values[0] for name, values in form.items()}, seal, now)


def kept_message(data: dict[str, Any], bot_user_id: str | None, seal: Seal) -> Event | None:
    """The inbox entry for an Events API body holding a direct message or a mention, or None."""
    if not (is_direct_message(data) or is_mention(data)):
        return None
    event = data["event"]
    user = event["user"]
    text = keepable(plain_text(event.get("text", ""), bot_user_id))
    payload: dict[str, Any] = {"user": user, "text": seal.seal(text)}
    if event["type"] == "app_mention":  # answered in its thread (or the thread it started)
        payload["to"] = in_thread(event["channel"], event.get("thread_ts") or event["ts"])
    elif isinstance(dm := event.get("channel"), str) and dm.startswith("D"):
        payload["dm"] = dm  # where the answer goes: nothing to open
    return f"slack:event:{data['event_id']}", PLATFORM, f"slack:{user}", payload


def kept_command(form: dict[str, Any], seal: Seal, now: datetime) -> Event | None:
    """The inbox entry for a /policy command (its form fields), or None."""
    if not is_command(form):
        return None
    user = form["user_id"]
    text = keepable(plain_text(str(form.get("text") or "")) or "help")
    payload = {
        "user": user,
        "text": seal.seal(text),
        "to": through_response_url(form["response_url"], now, seal),
    }
    return f"slack:command:{form['trigger_id']}", PLATFORM, f"slack:{user}", payload


def kept_click(data: dict[str, Any], seal: Seal, now: datetime) -> Event | None:
    """The inbox entry for a click on one of our buttons, or None."""
    if not is_our_click(data):
        return None
    user, container, original = data["user"]["id"], data["container"], data.get("message") or {}
    action = data["actions"][0]
    label = action["text"]["text"]
    click = {
        "value": action["value"],
        "text": original.get("text") or escape(label),
        "blocks": clicked(original.get("blocks", []), label),
    }
    # Slack names the clicked message; the fallback is for a private one it might not name.
    channel = container.get("channel_id") or "private"
    ts = container.get("message_ts") or str(data.get("trigger_id") or action.get("action_ts"))
    payload: dict[str, Any] = {"user": user}
    if container.get("is_ephemeral"):  # only its response_url can change it, or answer it
        click["response_url"] = data["response_url"]
        payload["to"] = through_response_url(data["response_url"], now, seal)
    else:
        click |= {"channel": channel, "ts": ts}
        if not channel.startswith("D"):  # the bot's buttons are in no DM but its own
            payload["to"] = in_thread(channel, original.get("thread_ts"))
        else:
            payload["dm"] = channel
    payload["click"] = seal.seal(json.dumps(click))
    return click_key(channel, ts), PLATFORM, f"slack:{user}", payload


def click_key(channel: str, message_ts: str) -> str:
    """What makes a click the same one again: one click per message, as its buttons are
    one-shot, even when clicked twice quickly (and a repeated delivery is the same click)."""
    return f"slack:click:{channel}:{message_ts}"


def goes_to_inbox(data: dict[str, Any]) -> bool:
    """True for a body (as Bolt hands it over in Socket Mode) that is kept in the inbox."""
    return is_direct_message(data) or is_mention(data) or is_command(data) or is_our_click(data)


def is_direct_message(data: dict[str, Any]) -> bool:
    """True for an Events API body holding a person's direct message to the bot."""
    event = _event(data)
    if event is None or event.get("type") != "message" or event.get("channel_type") != "im":
        return False
    return not (event.get("subtype") or event.get("bot_id"))  # edits, joins, bots (this one too)


def is_mention(data: dict[str, Any]) -> bool:
    """True for an Events API body holding a person's mention of the bot outside a DM (a
    mention in a DM arrives as a direct message too)."""
    event = _event(data)
    if event is None or event.get("type") != "app_mention" or event.get("bot_id"):
        return False
    channel = event.get("channel")
    fields = (event.get("user"), event.get("ts"), channel)
    return all(isinstance(f, str) for f in fields) and not str(channel).startswith("D")


def is_command(form: dict[str, Any]) -> bool:
    """True for a /policy command with everything needed to answer it."""
    fields = (form.get("user_id"), form.get("response_url"), form.get("trigger_id"))
    return form.get("command") == COMMAND and all(isinstance(f, str) and f for f in fields)


def is_our_click(data: dict[str, Any]) -> bool:
    """True for a click on one of our buttons on a message Slack names (channel and ts), or on
    a private (ephemeral) message, whose click must bring its response_url."""
    user = data.get("user")
    if data.get("type") != "block_actions" or not isinstance(user, dict):
        return False
    if not isinstance(user.get("id"), str):
        return False
    container, actions = data.get("container"), data.get("actions")
    if not (isinstance(container, dict) and isinstance(actions, list) and actions):
        return False
    action_id = actions[0].get("action_id") if isinstance(actions[0], dict) else None
    if not (isinstance(action_id, str) and CHOICE_ACTION.match(action_id)):
        return False
    if container.get("is_ephemeral"):  # answered, and changed, through its response_url
        return isinstance(data.get("response_url"), str)
    return all(isinstance(container.get(k), str) for k in ("channel_id", "message_ts"))


def _event(data: dict[str, Any]) -> dict[str, Any] | None:
    """The event of an Events API body with an event id, or None."""
    event = data.get("event") if data.get("type") == "event_callback" else None
    return event if isinstance(event, dict) and data.get("event_id") else None
