"""The kind of choice value this feature owns; case numbers and account ids come from records."""

from __future__ import annotations

from bot.model.records import account_id, case_number, draft_number

KIND = "case"
"""The kind of every choice value this feature owns (`case:approve:SMA-0001`)."""

__all__ = ["KIND", "account_id", "case_number", "draft_number"]
