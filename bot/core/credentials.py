"""Requests for an account's credentials, or for who runs it: not the policy's to answer.

"can you send me the drama department's instagram password", "what's the login for the school
facebook", "who has access to the PE twitter", "the PE insta says incorrect password": the bot
declines and points to the Trust IT Team, whatever the matcher makes of the words. A request is
a verb aimed at the asker ("send me", "can I have", "what is", "I need") near a credential word,
"who runs / has access to / has the login for / is the admin of" an account, or trouble getting
in (a wrong password, locked out, how to reset one). Questions about the policy on credentials
("what does the policy say about sharing passwords", "when should passwords be reset") are not
requests.
"""

from __future__ import annotations

import re

_CREDENTIAL = (
    r"(?:pass\s*words?|passcodes?|log\s*-?\s*(?:in|on)s?(?:\s*details)?|"
    r"sign\s*-?\s*in\s*details|credentials?|user\s*-?\s*names?|"
    r"(?:2fa|mfa|two[\s-]*factor|verification|authentication|security|one[\s-]*time)\s*codes?)"
)
_GAP = r"[^.?!;]{0,60}?"
_ASK = re.compile(
    r"\b(?:(?:send|give|share|tell|email|e-mail|forward|dm|text|pass|remind)\s+(?:me|us)\b"
    r"|(?:can|could|may)\s+(?:i|we)\s+(?:have|get|borrow|grab)\b"
    r"|(?:i|we)\s+(?:need|want|forgot|forgotten|lost)\b"
    r"|what(?:'s|\u2019s|s|\s+is|\s+are|\s+was)\b|wots\b"
    r"|do\s+you\s+(?:have|know)\b|where\s+(?:can|do)\s+i\s+(?:find|get)\b)"
    rf"{_GAP}\b{_CREDENTIAL}\b",
    re.IGNORECASE,
)
_TO_ME = re.compile(
    rf"\b(?:send|give|share|email|forward|pass)\b{_GAP}\b{_CREDENTIAL}\b"
    rf"{_GAP}\b(?:to|with)\s+(?:me|us)\b",
    re.IGNORECASE,
)
_ACCOUNT = (
    r"(?:account|page|profile|channel|handle|feed|instagram|insta|facebook|fb|twitter|"
    r"tiktok|youtube|snapchat|linkedin|x|@\w+)"
)
_WHO = re.compile(
    r"(?:^|[.?!,;:]\s*|\b(?:and|but|so|me|know|wondering|asking)\s+)"
    r"(?:who(?:'s|\u2019s|\s+is)?\s+(?:runs|running|manages|managing|controls|in\s+charge\s+of|"
    r"(?:the\s+)?(?:admin|administrator|owner)s?\s+(?:of|on|for)\b)"
    rf"\b{_GAP}\b{_ACCOUNT}(?!\w)"
    rf"|who\b{_GAP}\b(?:access\s+to|{_CREDENTIAL})\b{_GAP}\b{_ACCOUNT}(?!\w))",
    re.IGNORECASE,
)
_TROUBLE = re.compile(
    rf"\b(?:(?:incorrect|wrong|invalid)\s+{_CREDENTIAL}|locked\s+out|"
    r"(?:can'?t|cannot|can\u2019t|won'?t\s+let\s+(?:me|us))\s+(?:log|sign)\s*-?\s*(?:in|on)\b|"
    rf"how\s+(?:do|can|would)\s+(?:i|we)\s+(?:reset|change|recover)\b{_GAP}\b{_CREDENTIAL})",
    re.IGNORECASE,
)
"""Trouble getting into an account: the IT Team's to fix, whatever else the message says."""
_POLICY_WORDS = re.compile(r"\b(?:policy|handover|hand(?:ing|ed)?\s+over|leav\w*)\b", re.I)
_ABOUT_POLICY = re.compile(
    r"\b(?:policy|policies|rules?|allowed|should|must|guidance|process|procedure|says?|about|"
    r"reset|resetting|changed?|leav\w*|hand(?:ing|ed)?\s*over|handover|safe|secure|strong|"
    r"keeps?|kept|cop(?:y|ies)|record\w*|writ\w*|stored?)\b",
    re.IGNORECASE,
)


def about_credentials(text: str) -> bool:
    """True when the text asks what the policy says about credentials ("what should I do with
    the passwords when I hand over?"): a question to answer, never a request to decline."""
    return bool(re.search(rf"\b{_CREDENTIAL}\b", text, re.IGNORECASE)) and bool(
        _ABOUT_POLICY.search(text)
    )


def asks_for_credentials(text: str) -> bool:
    """True when the text asks to be given an account's credentials, or who runs or can get
    into an account, or help getting into one, rather than what the policy says about them."""
    if _TROUBLE.search(text) and not _POLICY_WORDS.search(text):
        return True
    if _ABOUT_POLICY.search(text):
        return False
    return any(p.search(text) for p in (_ASK, _TO_ME, _WHO))
