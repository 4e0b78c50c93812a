"""A policy document (.txt, .docx or .pdf) read into headings and paragraphs, in order.

Word documents say what is a heading and what is a bullet through their styles. Plain text and
PDF text do not, so there a line is a heading when it is one of the policy's known headings, or
when it looks like the policy's own export marks them: a short line of its own, opening with a
space, starting with a capital and ending without punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from intents.errors import KnowledgeError
from intents.knowledge import normalise_space

SUFFIXES = (".txt", ".docx", ".pdf")
_HEADING_WORDS = 8


@dataclass(frozen=True, slots=True)
class Block:
    """A heading or a paragraph of the document, whitespace normalised."""

    text: str
    heading: bool = False
    level: int = 1
    """For a heading: 1 for a top-level heading, 2 for one under it (Word's Heading 2)."""
    bullet: bool = False
    """For a paragraph: Word styled it as an item of a list."""


def read_policy(path: Path, headings: Iterable[str], clauses: Iterable[str]) -> list[Block]:
    """The document's blocks. `headings` and `clauses` are the current version's, so a known
    heading is recognised in plain text and a one-word clause ("Engaging") is not a heading."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise KnowledgeError(f"{path.name}: use a .txt, .docx or .pdf file")
    if not path.is_file():
        raise KnowledgeError(f"{path}: no such file")
    if suffix == ".docx":
        return _docx(path)
    text = _pdf_text(path) if suffix == ".pdf" else _txt(path)
    return text_blocks(text, headings, clauses)


def _txt(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"{path.name}: not UTF-8 text; save it as UTF-8") from exc


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise KnowledgeError(f"{path.name}: not a PDF that can be read ({exc})") from exc
    return "\n\n".join(_pdf_lines(page) for page in pages)


def _pdf_lines(page: str) -> str:
    """PDF text has no blank lines: a line ending a sentence ends its paragraph, and a short
    line of its own after one is marked as a heading, as the plain-text export marks them."""
    out: list[str] = []
    ended = True
    for line in page.splitlines():
        text = normalise_space(line)
        if not text:
            continue
        heading = ended and _looks_like_heading(text)
        out.append(f" {text}" if heading else text)
        ended = heading or re.search(r"[.:;?!]$", text) is not None
        if ended:
            out.append("")
    return "\n".join(out)


def _docx(path: Path) -> list[Block]:
    from zipfile import BadZipFile

    import docx
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(str(path))
    except (BadZipFile, OpcError, KeyError, ValueError) as exc:
        raise KnowledgeError(f"{path.name}: not a Word document that can be read") from exc
    blocks: list[Block] = []
    for paragraph in document.paragraphs:
        text = normalise_space(paragraph.text)
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") or style == "Title":
            level = int(style[-1]) if style[-1:].isdigit() else 1
            blocks.append(Block(text.rstrip(":"), heading=True, level=level))
        else:
            bullet = "List" in style or _numbered(paragraph._p)
            blocks.append(Block(text, bullet=bullet))
    return blocks


def _numbered(p: object) -> bool:
    pr = getattr(p, "pPr", None)
    return pr is not None and getattr(pr, "numPr", None) is not None


def _key(text: str) -> str:
    return normalise_space(text).rstrip(":").strip()


def text_blocks(text: str, headings: Iterable[str], clauses: Iterable[str]) -> list[Block]:
    """Plain text into blocks: paragraphs end at blank lines and headings."""
    known = {_key(h) for h in headings}
    texts = {_key(c) for c in clauses}
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        joined = normalise_space(" ".join(lines))
        if joined:
            blocks.append(Block(joined))
        lines.clear()

    for raw in text.splitlines():
        if not raw.strip():
            flush()
        elif _is_heading(raw, known, texts):
            flush()
            blocks.append(Block(normalise_space(raw).rstrip(":").strip(), heading=True))
        else:
            lines.append(raw)
    flush()
    return blocks


def _is_heading(raw: str, known: set[str], clauses: set[str]) -> bool:
    key = _key(raw)
    if key in clauses:
        return False
    if key in known:
        return True
    return raw.startswith(" ") and not raw.startswith("  ") and _looks_like_heading(raw)


def _looks_like_heading(raw: str) -> bool:
    line = normalise_space(raw)
    return (
        len(line.split()) <= _HEADING_WORDS
        and line[:1].isupper()
        and re.search(r"[,(]|[.;:?!)”\"]$", line) is None
    )
