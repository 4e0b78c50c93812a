"""Removing contact details from text before it is stored."""

from __future__ import annotations

import re

from bot.core.secrets import mask_secrets

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK and international numbers: a run of 9+ digits that may be split by spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{7,}\d(?![\w])")


def redact(text: str) -> str:
    """Replace email addresses, phone numbers and anything like a password with placeholders."""
    text = _EMAIL.sub("[email]", mask_secrets(text))
    return _PHONE.sub(
        lambda m: "[phone]" if sum(c.isdigit() for c in m.group()) >= 9 else m.group(), text
    )
