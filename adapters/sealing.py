"""Message text sealed while it waits in the inbox, so the database never holds it readable.

The key is derived from a credential every process of the deployment already shares (the
platform's bot token), so any of them can open what another sealed, and a copy of the
database alone reads nothing. Fernet (from the well-kept `cryptography` package) encrypts and
authenticates; text sealed under another key does not open.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import replace

from cryptography.fernet import Fernet, InvalidToken

from bot.core.bot import remembered
from bot.core.messages import Reply

log = logging.getLogger(__name__)

SEALED = "sealed:"
"""What a choice value sealed by `sealed_choices` starts with (no core action is named so)."""


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


def sealed_choices(reply: Reply, seal: Seal) -> Reply:
    """The reply as it may wait in the outbox: each choice carrying what someone wrote (a vote
    carries the question it answers) sealed, so the database holds no question readable."""
    choices = tuple(
        c if remembered(c.value) == c.value else replace(c, value=SEALED + seal.seal(c.value))
        for c in reply.choices
    )
    return replace(reply, choices=choices)


def opened_choices(reply: Reply, seal: Seal) -> Reply:
    """The reply `sealed_choices` sealed, to show; a choice that no longer opens (the secret
    was changed since) is left out rather than shown broken."""
    choices = []
    for choice in reply.choices:
        if not choice.value.startswith(SEALED):
            choices.append(choice)
            continue
        try:
            choices.append(replace(choice, value=seal.open(choice.value.removeprefix(SEALED))))
        except Unopenable:
            log.warning("a choice sealed under another key was left out of a reply")
    return replace(reply, choices=tuple(choices))
