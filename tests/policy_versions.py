"""Version 2.2 of the Social Media Policy, made from today's 2.1 for the revision tests.

One clause reworded ("swiftly" becomes "within one working day"), one added (online safety
training, under Handover), one removed (the "Friendly" bullet of Tone), a heading renamed
("Handling abuse" becomes "Handling abusive comments") and the new Change Control row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from intents.knowledge import DATA, KnowledgeBase

ROW = "2.2 01/2027 HR Handling abuse reworded; online safety training added."
REWORDED = (
    "When acting on behalf of the Trust or Academy, handle offensive comments within one "
    "working day and with sensitivity."
)
ADDED = (
    "Staff who run an academy account must complete the Trust's online safety training every "
    "two years."
)
REMOVED = "Friendly (on certain platforms, e.g. Facebook)"
OLD_HEADING, NEW_HEADING = "Handling abuse", "Handling abusive comments"


def revised_text() -> str:
    """Today's policy.txt with the four changes, laid out as the PDF export lays it out."""
    text = (DATA / "policy.txt").read_text(encoding="utf-8")
    for old, new in (
        ("2.1 09/2020 CTU West", f"{ROW}\n\n2.1 09/2020 CTU West"),
        (f" {OLD_HEADING} \n", f" {NEW_HEADING} \n"),
        ("comments swiftly \n\nand with", "comments within one \n\nworking day and with"),
        (f" {REMOVED} \n", ""),
        ("\nHandover \n", f"\nHandover \n{ADDED}\n\n"),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def revised_docx(path: Path) -> Path:
    """The same revision as a Word document: headings styled, list items as bullets."""
    kb = KnowledgeBase.load()
    document = docx.Document()
    section = parent = None
    bullets = {i for c in kb.clauses.values() for i in c.items}
    for clause in kb.clauses.values():
        if clause.parent and clause.parent != parent and clause.parent != section:
            document.add_heading(clause.parent, level=1)
        parent = clause.parent
        if clause.section != section:
            title = NEW_HEADING if clause.section == OLD_HEADING else clause.section
            document.add_heading(title, level=2 if clause.parent else 1)
            section = clause.section
            if title == "Handover":
                document.add_paragraph(ADDED)
        if clause.text == REMOVED:
            continue
        if clause.id == "change-control.v2-1":
            document.add_paragraph(ROW, style="List Bullet")
        text = REWORDED if clause.id == "abuse.when-acting-behalf" else clause.text
        document.add_paragraph(text, style="List Bullet" if clause.id in bullets else None)
    document.save(str(path))
    return path


def revised_pdf(path: Path) -> Path:
    """A one-page PDF with the new Change Control row and the reworded clause."""
    cut = REWORDED.index(" comments") + 1
    lines = ["Change Control", ROW, NEW_HEADING, REWORDED[:cut], REWORDED[cut:]]
    ops = ["BT /F1 10 Tf 14 TL 50 800 Td"]
    ops += [f"({line}) Tj T*" for line in lines]
    stream = DecodedStreamObject()
    stream.set_data(("\n".join([*ops, "ET"])).encode("latin-1"))
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as f:
        writer.write(f)
    return path


def data_copy(tmp: Path) -> Path:
    """A copy of the knowledge base to publish into."""
    return Path(shutil.copytree(DATA, tmp / "data"))
