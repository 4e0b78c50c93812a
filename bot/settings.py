"""Settings from the environment, read once by the composition root.

Only what every process shares is parsed here; each chat platform's adapter reads its own
variables from `Settings.env` (see adapters/slack/settings.py and adapters/teams/settings.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.errors import UserError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///policybot.db"
MIN_TOKEN_LENGTH = 16
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


class SettingsError(UserError, ValueError):
    """A setting has a value that can't work; the message says which and what to do."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. See README "Settings" for what each one means."""

    database_url: str = DEFAULT_DATABASE_URL
    trust_file: Path | None = None
    knowledge_dir: Path | None = None
    """The knowledge base folder (clauses, intents, lexicon); None: the bundled intents/data."""
    default_user: str = "demo-teacher"
    log_level: str = "WARNING"
    worker_grace: timedelta = timedelta(days=7)
    """How late the worker still sends something it missed while it was down."""
    worker_tick_seconds: int = 60
    """How often the worker looks for due alerts and reminders."""
    outbox_lease: timedelta = timedelta(minutes=2)
    """How long a delivering process holds a claimed outbox message before another may retry it."""
    delivery_interval: float = 5.0
    """Seconds between `serve`'s passes over the outbox."""
    inbox_lease: timedelta = timedelta(seconds=60)
    """How long an answering process holds a claimed inbound event before another may answer it."""
    answer_elsewhere: bool = False
    """`serve` only keeps and acknowledges events; `policybot answer` processes answer them."""
    answer_processes: int = 0
    """`policybot answer` processes `serve` starts (and keeps running) to answer the inbox, so
    that it only keeps and acknowledges events; 0: `serve` answers them itself."""
    comments_api_token: str | None = field(default=None, repr=False)
    """Bearer token for POST /api/comments; the endpoint is off without one."""
    env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    """The environment these settings were read from, for the adapters' own settings."""

    @property
    def uses_default_database(self) -> bool:
        """True for the local SQLite file, which is created and upgraded automatically."""
        return self.database_url == DEFAULT_DATABASE_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read settings from an environment mapping (usually os.environ)."""
        trust = env.get("TRUST_FILE", "").strip()
        knowledge = env.get("POLICYBOT_DATA", "").strip()
        level = env.get("LOG_LEVEL", "WARNING").strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"LOG_LEVEL={level!r}: use DEBUG, INFO, WARNING or ERROR")
        token = env.get("COMMENTS_API_TOKEN", "").strip() or None
        if token is not None and len(token) < MIN_TOKEN_LENGTH:
            raise SettingsError(
                f"COMMENTS_API_TOKEN is too short: use at least {MIN_TOKEN_LENGTH} random "
                "characters, for example the output of `openssl rand -hex 32`"
            )
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            trust_file=Path(trust) if trust else None,
            knowledge_dir=Path(knowledge) if knowledge else None,
            default_user=env.get("POLICYBOT_USER", "").strip() or "demo-teacher",
            log_level=level,
            worker_grace=timedelta(days=_whole(env, "WORKER_GRACE_DAYS", 7, minimum=0)),
            worker_tick_seconds=_whole(env, "WORKER_TICK_SECONDS", 60, minimum=1),
            outbox_lease=timedelta(seconds=_whole(env, "OUTBOX_LEASE_SECONDS", 120, minimum=1)),
            delivery_interval=_interval(env, "DELIVERY_INTERVAL_SECONDS", 5.0),
            inbox_lease=timedelta(seconds=_whole(env, "INBOX_LEASE_SECONDS", 60, minimum=1)),
            answer_elsewhere=switch(env, "ANSWER_ELSEWHERE"),
            answer_processes=_whole(env, "ANSWER_PROCESSES", 0, minimum=0),
            comments_api_token=token,
            env=dict(env),
        )


def _whole(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    """A whole-number setting, or SettingsError naming it."""
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdecimal() or int(text) < minimum:
        raise SettingsError(f"{name}={text!r}: use a whole number, at least {minimum}")
    return int(text)


def _interval(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds (0.5 is allowed), or SettingsError naming it."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 86400:
        raise SettingsError(f"{name}={text!r}: use a number of seconds above 0, such as 5")
    return seconds


def switch(env: Mapping[str, str], name: str) -> bool:
    """An on/off setting (1, true, yes or on switch it on), or SettingsError naming it."""
    value = env.get(name, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise SettingsError(f"{name}={value!r}: use 1 to switch it on, or leave it unset")
    return value in _TRUE
