"""Message text sealed while it waits in the inbox, so the database never holds it readable.

The key is derived from a credential every process of the deployment already shares (the
platform's bot token), so any of them can open what another sealed, and a copy of the
database alone reads nothing. Fernet (from the well-kept `cryptography` package) encrypts and
authenticates; text sealed under another key does not open.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class Unopenable(ValueError):
    """Sealed under another key (the token was changed since), or not sealed text at all."""


class Seal:
    """Seals and opens text with a key derived from a shared secret."""

    def __init__(self, secret: str) -> None:
        digest = hashlib.sha256(b"policybot inbox\0" + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))

    def seal(self, text: str) -> str:
        """The text, encrypted and authenticated."""
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """The text sealed; Unopenable when it was not sealed with this key."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise Unopenable("sealed under another key") from exc
