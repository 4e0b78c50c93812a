"""Requests for the bot to write something or to entertain: not the policy's to answer.

"can you draft a tweet about sports day", "write me a caption for our open evening post", "tell
me a joke about twitter", "can you check this tweet before I post it", "translate this post
for our parents": the bot quotes the policy, it does not write posts, so it says so
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
_TEXTS = r"(?:reply|response|message|email|letter|comment|caption|post|tweet|bio|description)"
_REVIEW = re.compile(
    r"^\W*(?:(?:hi|hey|hello)\W+)?(?:please\s+)?(?:(?:can|could|would|will)\s+you\s+"
    r"(?:please\s+)?)?(?:check|proof\s*read|translate|improve|edit|polish|tidy\s+up|"
    r"look\s+over|draft|write|compose|rewrite|reword)\s+(?:me\s+|us\s+)?"
    rf"(?:this|that|my|our|the|a|an)\s+(?:[\w'-]+\s+){{0,3}}?{_TEXTS}\b",
    re.IGNORECASE,
)
"""A text to look over, translate or draft: "can you check this tweet before I post it"."""
_NOT_A_CHORE = re.compile(r"\b(?:business\s+case|application|proposal|policy)\b", re.IGNORECASE)


def asks_for_writing(text: str) -> bool:
    """True when the text asks the bot to write a post, a caption or a joke."""
    asks = _ASKS.search(text) or _REVIEW.search(text)
    return bool(asks) and not _NOT_A_CHORE.search(text)
