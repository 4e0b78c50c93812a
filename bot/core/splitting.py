"""Two questions in one message, split where the boundary is clear.

A boundary is a question mark with more text after it; a new sentence, line or clause after a
semicolon that is itself a question ("... on fb. Also can I ...", "...; who approves ...",
"...; if not, where ..."); a phrase that starts a new topic ("and also", "also,", "another
thing", "secondly,", "and separately", "- and while I'm asking,", "btw", "ps", "separate q -",
"2nd q,"; "Also ..." or "Plus ..." starting a sentence or line); a numbered question
("q1 ... q2 ...", "1) ... 2) ...", "(a) ..., and (b) ..."); "and", "plus", "also", "+" or "&"
followed by a new question: a question word ("... and how many people ...") or a verb with its
subject ("... and can I ...", "..., and is it ok ...", "... + do i have to ...", "... also can
kids ..."), maybe after its own setting ("... and once it's live, how often ..."); or, with no
punctuation at all, a second yes-no question ("can I ... can I ...", "... what if ...").
A message that announces its questions ("two things -", "quick q x2") is split at every
boundary, each piece a question however it reads. A comma alone never splits:
"can I post photos, or only the school can?" is one question. A piece that asks nothing ("if a
parent comments") is the setting of the question after it, so a wrong split joins up again;
"rules on ...", "what about ...", "..., does that matter", "...: is there ...", "for the club
page, does the proposal ..." ask, and so does a statement after a question that a turn to a new
topic opens ("? btw my niece is in my class").
"""

from __future__ import annotations

import re

MAX_PARTS = 4
MIN_WORDS = 3
"""A piece shorter than this ("thanks!", "when") joins its neighbour."""
_QUESTION_WORDS = (
    r"(?:can|could|may|might|should|shall|must|is|are|am|was|were|do|does|did|will|would|"
    r"have|has|what|what's|whats|how|who|whom|whose|where|when|why|which|any|anything)"
)
_ASKED_BY = r"(?:how|what|what's|whats|who|who's|whom|whose|where|when|why|which)"
_VERB = r"(?:can|could|may|should|must|is|are|am|do|does|did|will|would|have|has)"
_SUBJECT = (
    r"(?:i|we|you|they|he|she|it|there|my|our|your|the|a|an|this|that|these|those|staff|"
    r"someone|anyone|everyone|people|parents?|pupils?|students?|kids?|children|teachers?|"
    r"governors?|volunteers?|managers?|colleagues?|having|being|using|posting|hr|slt|the\s+head|"
    r"heads?|leaders?|leadership|management|dsl|dso)"
)
_NUMBERED = r"(?:q\s?[2-4]|\(?[2-4]\)|[2-4]\.|\(?[b-d]\))"
_JOIN = r"(?:(?:and|but|oh\s+and|also|plus)\s+(?:also\s+)?)"
_ASIDE = (
    r"(?:and\s+)?(?:while\s+i'?m\s+(?:at\s+it|asking|here|on)|by\s+the\s+way|btw|p\.?s\b\.?|"
    r"on\s+(?:an)?other\s+(?:note|matter|thing)|unrelated(?:ly)?|different\s+question|"
    r"separate\s+(?:q|qu?estion|thing|point|issue)|(?:2nd|second|another|other)\s+(?:q|qu?estion)|"
    r"related\s*[-:\u2013])(?=\W)"
)
"""A phrase that turns to a new question: "- and while I'm asking, can I ...", "btw ...",
"ps ...", "separate q - ...", "2nd q, ..."."""
_TURN = re.compile(
    rf"^\s*(?:[+&]|{_ASIDE}|(?:and\s+|oh\s+and\s+)?also\b|plus\b|oh\s+and\b|and\s+also\b)",
    re.IGNORECASE,
)
"""A piece that opens like this after a question or on a line of its own is a question of its
own even when it only says what happened ("btw a parent I know from church wants to add me"):
it asks what the policy says about that."""
_BOUNDARY = re.compile(
    r"(?<=\?)\s+(?=\S)"
    rf"|(?:(?<=[.!])\s+|\s*[\n;]\s*)"
    rf"(?={_JOIN}?(?:if\s+(?:not|so)\b,?\s*)?{_QUESTION_WORDS}\b[^.!?]*(?:\?|$))"
    rf"|(?:(?<=[.!])\s+|\s*\n\s*)(?=(?:also|plus|oh\s+and|and\s+also)\b)"
    r"|[\s,;\u2013\u2014-]+(?=(?:and\s+also\b|also,|another\s+thing\b|one\s+more\s+thing\b|secondly\b|"
    rf"(?:and\s+)?separately\b|{_ASIDE}))"
    rf"|[\s,;\u2013\u2014-]+(?=(?:and|plus|also|\+|&)\s+(?:also\s+)?"
    rf"(?:{_ASKED_BY}|{_VERB}\s+{_SUBJECT})\b)"
    # "... and once it's approved, how often ...": a new question after its own setting
    rf"|[\s,;]+(?=(?:and|plus|also)\s+(?:once|when|after|if)\s[^.?!,]{{1,40}}?[\s,]\s*"
    rf"(?:{_ASKED_BY}|{_VERB}\s+(?:i|we))\b)"
    rf"|[\s,;]+(?:and\s+)?(?={_NUMBERED}\s)",
    re.IGNORECASE,
)
_ANNOUNCED = (
    r"(?:(?:two|2|a\s+couple\s+of|couple\s+of)\s+(?:quick\s+|small\s+|short\s+|separate\s+|"
    r"different\s+)?(?:things|questions|qs|q'?s|ones|queries|points)|(?:two|2)\s+q"
    r"|(?:quick\s+)?q(?:s|'s|uestions?)?\s*x\s*2)\b"
)
"""An opening that says how many questions follow ("two q's -", "a couple of questions:",
"quick q x2 -")."""
_LEAD = re.compile(
    r"^(?:[\s,;:.!+&-]|and\b|also\b|plus\b|oh\b|so\b|but\b|another\s+thing\b|"
    r"one\s+more\s+thing\b|secondly\b|separately\b|(?:first|second|third)(?:ly)?\s*[,:]|"
    rf"{_ANNOUNCED}|{_ASIDE}|q\s?[1-4]\b|\(?[1-4]\)|[1-4]\.(?=\s)|\(?[a-d]\)(?=\s))+",
    re.IGNORECASE,
)
_COUNTED = re.compile(rf"^.{{0,80}}?\b{_ANNOUNCED}", re.IGNORECASE | re.DOTALL)
"""A message whose opening announces its questions: each piece after a boundary is one."""


_ASKING = re.compile(
    rf"^(?:{_QUESTION_WORDS}|whether|is\s+it|tell\s+me|"
    r"i\s+(?:want|would\s+like|'d\s+like)\s+to\s+know|"
    r"wondering|quick\s+question|what\s+about|(?:the\s+)?(?:rules?|policy|guidance)\s+"
    r"(?:on|for|about))\b|\?\s*$"
    # a question after its setting: "if a colleague bullies me online, how do I report it"
    rf"|\b(?:{_ASKED_BY}\s+(?:{_VERB}|would|shall|might)"
    r"|(?:can|could|should|may|must|do|am)\s+(?:i|we))\b"
    # the first of numbered questions: "HoD here - 1) can my team ..."
    r"|(?:^|\s)(?:q\s?1|\(?1\)|\(?a\))\s"
    # "..., does that change anything", "...: is there a rule", "anything in here about ...",
    # "that's fine, isn't it"
    r"|,\s*(?:does|do|is|are|would|will|can|could|should)\s+(?:that|this|it|they)\b"
    # "For a new club twitter, does the proposal need ...": a question after its setting
    rf"|,\s*{_VERB}\s+{_SUBJECT}\s+\w+\s+\w+"
    rf"|:\s*{_QUESTION_WORDS}\b|\banything\s+in\s+(?:here|the\s+policy)\b"
    r"|\b(?:isn'?t|aren'?t|doesn'?t|won'?t)\s+(?:it|they|that|i)[\s?]*$",
    re.IGNORECASE,
)


def announces_questions(text: str) -> bool:
    """True when the message opens by saying it asks more than one thing ("two q's -")."""
    return bool(_COUNTED.match(text))


def split_questions(text: str) -> list[str]:
    """The message's questions in order; one item when there is no clear boundary. A sentence
    that asks nothing ("I'm a TA and my niece is in my class.") is the setting of the question
    after it, and stays with it; a word or two ("thanks!") stays with the question before."""
    parts: list[str] = []
    setting = ""
    counted = announces_questions(text)
    pieces = _BOUNDARY.split(text.strip())
    if len(pieces) == 1:
        pieces = _run_on(pieces[0])
    for piece in pieces:
        own = _LEAD.sub("", piece).strip()
        part = f"{setting} {own}".strip()
        setting = ""
        if not part:
            continue
        if len(part.split()) < MIN_WORDS:
            if parts:
                parts[-1] = f"{parts[-1]} {part}"
            else:
                setting = part
        elif not (counted or _ASKING.search(own) or (parts and _TURN.match(piece))):
            setting = part
        else:
            parts.append(part)
    if setting:
        parts = [*parts[:-1], f"{parts[-1]} {setting}"] if parts else [setting]
    if len(parts) > MAX_PARTS:
        return [text.strip()]
    return parts if len(parts) > 1 else [text.strip()]


_NOT_AFTER = "".join(
    rf"(?<!\b{word})"
    for word in (
        *("if", "whether", "that", "so", "and", "or", "what", "how", "who", "where", "when"),
        *("why", "which", "think", "know", "sure", "ask", "not"),
    )
)
_RUN_ON = re.compile(
    rf"^((?:{_VERB}\s+{_SUBJECT}|{_ASKED_BY}\s+{_VERB})\s+\S+(?:\s+\S+){{2,}}?)\s+{_NOT_AFTER}"
    rf"((?:{_VERB}\s+{_SUBJECT}|what\s+(?:if|about))\s+\S+(?:\s+\S+){{2,}})$",
    re.IGNORECASE | re.DOTALL,
)
"""Two questions typed in a row with nothing between them ("can I give the squad my number
for fixtures can I text them the times", "... the club's page what if a parent ..."): the
first a yes-no question or "who do I ...", each of five words or more, and the second not
asked inside the first ("... if I can ...", "... what do I ...", "how many photos can I post"
stays whole)."""


def _run_on(text: str) -> list[str]:
    """A message of two questions run together, as two pieces; otherwise the message."""
    if re.search(r"[.?!;\n]\s*\S", text):  # punctuation inside: boundaries would have found it
        return [text]
    found = _RUN_ON.match(text)
    return [found[1], found[2]] if found else [text]
