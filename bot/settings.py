"""Settings from the environment, read once by the composition root."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.errors import UserError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///policybot.db"


class SettingsError(UserError, ValueError):
    """A setting has a value that can't work; the message says which and what to do."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. See README "Settings" for what each one means."""

    database_url: str = DEFAULT_DATABASE_URL
    trust_file: Path | None = None
    default_user: str = "demo-teacher"
    log_level: str = "WARNING"

    @property
    def uses_default_database(self) -> bool:
        """True for the local SQLite file, which is created and upgraded automatically."""
        return self.database_url == DEFAULT_DATABASE_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read settings from an environment mapping (usually os.environ)."""
        trust = env.get("TRUST_FILE", "").strip()
        level = env.get("LOG_LEVEL", "WARNING").strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError(f"LOG_LEVEL={level!r}: use DEBUG, INFO, WARNING or ERROR")
        return cls(
            database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            trust_file=Path(trust) if trust else None,
            default_user=env.get("POLICYBOT_USER", "").strip() or "demo-teacher",
            log_level=level,
        )
