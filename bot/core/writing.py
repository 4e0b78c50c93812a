"""Requests for the bot to write something or to entertain: not the policy's to answer.

"can you draft a tweet about sports day", "write me a caption for our open evening post", "tell
me a joke about twitter": the bot quotes the policy, it does not write posts, so it says so
instead of quoting the clause nearest to "tweet" or "post". Asking for help with the business
case is not such a request: the bot walks people through that form.
"""

from __future__ import annotations

import re

_PIECE = (
    r"(?:post|posts|tweet|tweets|caption|captions|bio|hashtags?|joke|jokes|poem|"
    r"announcement|newsletter|slogan|thread|reel|tiktok|story|stories)"
)
_WRITE = (
    r"(?:write|draft|compose|create|generate|make\s+up|come\s+up\s+with|think\s+of|"
    r"design|rewrite|reword|proofread|suggest)"
)
_ASKS = re.compile(
    r"^\W*(?:(?:hi|hey|hello)\W+)?(?:please\s+)?"
    rf"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:help\s+(?:me\s+)?)?{_WRITE}"
    rf"|{_WRITE}\s+(?:me\s+|us\s+)?)"
    rf"\b[^.?!]{{0,40}}?\b{_PIECE}\b"
    r"|\btell\s+(?:me|us)\s+(?:a|another|some)\s+(?:\w+\s+)?jokes?\b",
    re.IGNORECASE,
)
_NOT_A_CHORE = re.compile(r"\b(?:business\s+case|application|proposal|policy)\b", re.IGNORECASE)


def asks_for_writing(text: str) -> bool:
    """True when the text asks the bot to write a post, a caption or a joke."""
    return bool(_ASKS.search(text)) and not _NOT_A_CHORE.search(text)
