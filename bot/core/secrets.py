"""Credentials people paste into chat: spotted on normalised text, so they are never kept.

Text is normalised first (Unicode NFKC, so full-width letters count; zero-width and other
invisible characters dropped; letters spaced out one by one joined up), then checked for a
credential word followed by a value ("password is bluesky99", "pw Summer2026", "PIN 4821",
"login: admin, pass: x", "backup code is 8837 2291"), for access tokens by their prefixes, and
for words that look generated (8+ characters of all four kinds, or long mixed keys).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_SPACED = re.compile(r"\b(?:[A-Za-z] ){3,}[A-Za-z]\b")
_CRED = (
    r"pass\s*words?|passwd|pwd|pw|pass\s*code|pass\s*phrase|pass|pin(?:\s*(?:code|number|no))?|"
    r"log\s*-?\s*in(?:\s*details)?|log\s*on|sign\s*in(?:\s*details)?|credentials?|"
    r"(?:backup|recovery|verification|security|one[\s-]*time|2fa|mfa|auth|otp|access|reset)"
    r"\s*codes?|otp|api\s*key|secret\s*key|access\s*token|token"
)
# A credential word, an optional "for it / for the account", a connector, and a value.
_SAID = re.compile(
    rf"\b(?P<word>{_CRED})\b(?:\s+(?:for|to|on|of)\s+(?:it|the\s+\w+|our\s+\w+|my\s+\w+))?"
    r"(?P<sep>\s+(?:is\s+now|is|was|are)\b|\s*[=:\-]|'s\b)\s*(?P<value>[^\s,;]+(?:\s+\d{3,})*)",
    re.IGNORECASE,
)
# A credential word followed straight by a value that has a digit: "pw Summer2026", "PIN 4821".
_BARE = re.compile(rf"\b(?P<word>{_CRED})\s+(?P<value>[^\s,;]*\d[^\s,;]*)", re.IGNORECASE)
_TOKEN_PREFIXES = re.compile(
    r"\b(?:xox[abposr]-|xapp-|ghp_|gho_|github_pat_|sk-|AKIA|EAA[A-Za-z0-9]{20}|ya29\.|eyJ)\S*",
)
_WORD = re.compile(r"\S+")
_ADDRESSES = ("http://", "https://", "www.")
"""How a web address starts: "login: https://…" names where to sign in, not a password."""
_NOT_VALUES = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "in",
        "at",
        "to",
        "of",
        "for",
        "by",
        "with",
        "from",
        "be",
        "been",
        "being",
        "not",
        "no",
        "yes",
        "it",
        "this",
        "that",
        "these",
        "those",
        "my",
        "your",
        "our",
        "their",
        "his",
        "her",
        "its",
        "same",
        "different",
        "new",
        "old",
        "reset",
        "changed",
        "expired",
        "wrong",
        "right",
        "correct",
        "incorrect",
        "shared",
        "stored",
        "kept",
        "saved",
        "written",
        "sent",
        "required",
        "needed",
        "needs",
        "policy",
        "policies",
        "rules",
        "rule",
        "manager",
        "managers",
        "protected",
        "safe",
        "secure",
        "strong",
        "weak",
        "long",
        "short",
        "simple",
        "complicated",
        "here",
        "there",
        "where",
        "what",
        "who",
        "which",
        "how",
        "when",
        "why",
        "and",
        "or",
        "but",
        "so",
        "if",
    ]
)
_REASONS = {
    "token": "an access token",
    "code": "a one-time or backup code",
    "pin": "a PIN",
    "login": "login details",
    "password": "a password",
    "key": "a password or key",
}
_KIND = {reason: kind for kind, reason in _REASONS.items()}
_PLACEHOLDER = re.compile(r"\[secret:(?P<kind>[a-z]+)\]")


def normalise(text: str) -> str:
    """NFKC, invisible characters dropped, letters spaced one by one joined: 'p a s s' → 'pass'."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cn"))
    return _SPACED.sub(lambda m: m.group().replace(" ", ""), text)


def find_secret(text: str) -> str | None:
    """What kind of credential the text seems to carry ('a password', 'a PIN', …), or None."""
    plain = normalise(text)
    if (kept := _PLACEHOLDER.search(plain)) and kept.group("kind") in _REASONS:
        return _REASONS[kept.group("kind")]
    if _TOKEN_PREFIXES.search(plain):
        return _REASONS["token"]
    for pattern in (_SAID, _BARE):
        for match in pattern.finditer(plain):
            value = match.group("value").strip("\"'.()[]").lower()
            if value and value not in _NOT_VALUES and not value.startswith(_ADDRESSES):
                return _reason(match.group("word"))
    words = (w.strip("()\"'").rstrip(".,;:") for w in _WORD.findall(plain))
    return _REASONS["key"] if any(_random_looking(w) for w in words) else None


def unmasked(text: str) -> str:
    """The text without the placeholders `keepable` put where credentials were: what a reader
    of the message (the safeguarding detector) should see of it."""
    return _PLACEHOLDER.sub(" ", text)


def keepable(text: str) -> str:
    """The text as it may be kept until it is answered: every credential masked, with the kind
    of the first in the placeholder, so `find_secret` gives the masked text the same reason."""
    reason = find_secret(text)
    if reason is None:
        return text
    return mask_secrets(text).replace("[secret]", f"[secret:{_KIND[reason]}]")


def looks_like_secret(text: str) -> bool:
    """True for text that seems to carry a password, code or access token."""
    return find_secret(text) is not None


def mask_secrets(text: str) -> str:
    """The text with anything that looks like a credential replaced by [secret]."""
    plain = normalise(text)
    plain = _TOKEN_PREFIXES.sub("[secret]", plain)
    for pattern in (_SAID, _BARE):
        plain = pattern.sub(_masked, plain)
    return _WORD.sub(
        lambda m: (
            "[secret]" if _random_looking(m.group().strip("()\"'").rstrip(".,;:")) else m.group()
        ),
        plain,
    )


def _masked(match: re.Match[str]) -> str:
    value = match.group("value")
    if value.strip("\"'.()[]").lower() in _NOT_VALUES:
        return match.group()
    return match.group()[: match.start("value") - match.start()] + "[secret]"


def _reason(word: str) -> str:
    w = word.lower()
    if "token" in w or "key" in w:
        return _REASONS["token"]
    if "code" in w or w == "otp":
        return _REASONS["code"]
    if w.startswith("pin"):
        return _REASONS["pin"]
    if w.startswith(("log", "sign", "cred")):
        return _REASONS["login"]
    return _REASONS["password"]


def _random_looking(word: str) -> bool:
    """Like a password (8+ characters of all four kinds) or a generated key (16+, mixed)."""
    if len(word) < 8 or "@" in word or word.lower().startswith(("http://", "https://", "www.")):
        return False
    kinds = sum(
        (
            any(c.islower() for c in word),
            any(c.isupper() for c in word),
            any(c.isdigit() for c in word),
            any(not c.isalnum() for c in word),
        )
    )
    switches = sum(a.isdigit() != b.isdigit() for a, b in pairwise(word))
    return kinds == 4 or (len(word) >= 16 and kinds >= 3 and switches >= 4)
