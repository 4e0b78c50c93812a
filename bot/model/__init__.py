"""Shared by core and features: ports (Protocols only), records, the directory, calendars."""
