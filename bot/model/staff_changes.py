"""What a new staff list changes in the directory: who joins, changes and leaves, and which
academy roles (headteacher, leadership, DSO, IT contact) a leaver leaves empty.

The trust's and academies' settings (names, hours, closures, reminder dates) come from the
trust file, so an edit there is published by the next import; who holds each academy role
stays as the directory has it (a new academy takes its roles from the file). A leaver
who is an academy's headteacher, DSO or IT contact (or the trust's safeguarding lead) must be
given a successor (`--assign st-marys.headteacher=new-head`), so nobody is left without one
by accident; a leaver on a leadership team is taken off it and reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.model.directory import Academy, Directory, DirectoryError, Person, Trust
from bot.model.directory_file import fields_of
from bot.model.staff_csv import StaffFile

SLOTS: Mapping[str, str] = {
    "headteacher": "the headteacher",
    "safeguarding_officer": "the Designated Safeguarding Officer",
    "it_contact": "the IT contact",
}
"""An academy's roles that must always be held, and how to say them."""
KEPT_WHEN_ABSENT: tuple[str, ...] = ("phone", "slack_id", "teams_id", "manager")
"""Fields a file without that column leaves as the directory has them."""


@dataclass(frozen=True, slots=True)
class RoleChange:
    """A leaver's academy role, and who holds it now (None: taken off a leadership team)."""

    person: Person
    role: str
    """In words: 'the headteacher of St Mary's', 'on the leadership team of Holy Cross'."""
    successor: Person | None


@dataclass(frozen=True, slots=True)
class StaffChanges:
    """The directory after a staff list, and what differs from the one before."""

    directory: Directory
    added: tuple[Person, ...]
    changed: tuple[tuple[Person, Person], ...]
    """(before, after) for each person whose details differ."""
    removed: tuple[Person, ...]
    roles: tuple[RoleChange, ...]
    settings: bool = False
    """True when the trust file changed the trust's or an academy's settings."""

    @property
    def nothing(self) -> bool:
        """True when the list matches the directory."""
        return not (self.added or self.changed or self.removed or self.roles or self.settings)


def parse_assignments(pairs: Iterable[str], current: Directory) -> dict[tuple[str, str], str]:
    """--assign ACADEMY.ROLE=PERSON options as {(academy or 'trust', role): person id}."""
    assigned: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    for pair in pairs:
        target, _, person = pair.partition("=")
        owner, _, slot = target.strip().partition(".")
        known = (owner == "trust" and slot == "safeguarding_lead") or (
            current.academy(owner) is not None and slot in SLOTS
        )
        if not known or not person.strip():
            problems.append(
                f"--assign {pair!r}: use ACADEMY.ROLE=PERSON_ID, where ROLE is one of "
                f"{', '.join(SLOTS)}, or trust.safeguarding_lead=PERSON_ID"
            )
        else:
            assigned[owner, slot] = person.strip().casefold()
    if problems:
        raise DirectoryError("--assign", problems)
    return assigned


_ROLES = ("headteacher", "leadership", "safeguarding_officer", "it_contact")


def _setup(directory: Directory) -> list[object]:
    """The trust's and academies' settings, leaving out who holds which role."""
    trust = fields_of(directory.trust, exclude={"safeguarding_lead"})
    return [trust, *(fields_of(a, exclude=_ROLES) for a in directory.academies)]


def with_settings(current: Directory, file: Directory) -> tuple[Trust, list[Academy]]:
    """The trust and academies as the trust file sets them up, with the roles as held now."""
    roles = _ROLES
    academies = []
    for academy in file.academies:
        held = current.academy(academy.id)
        if held is not None:
            academy = replace(academy, **{r: getattr(held, r) for r in roles})
        academies.append(academy)
    lead = current.trust.safeguarding_lead
    return replace(file.trust, safeguarding_lead=lead), academies


def plan(
    current: Directory,
    staff: StaffFile,
    assigned: Mapping[tuple[str, str], str] = {},
    file: Directory | None = None,
) -> StaffChanges:
    """The directory the staff list makes; DirectoryError when a role would be left empty.

    `file` is the trust file's directory, for the trust's and academies' settings."""
    trust, base = with_settings(current, file or current)
    people = tuple(_merged(current, p, staff.columns) for p in staff.people)
    new = {p.id: p for p in people}
    problems = [
        f"--assign {owner}.{slot}={pid}: nobody with id {pid!r} is in the staff list"
        for (owner, slot), pid in assigned.items()
        if pid not in new
    ]
    if problems:
        raise DirectoryError(current.source, problems)
    home = {p.id: p.academy for p in people}
    roles: list[RoleChange] = []
    academies = [_academy(current, a, new, assigned, roles, problems) for a in base]
    lead = assigned.get(("trust", "safeguarding_lead"), trust.safeguarding_lead)
    if lead is not None and lead not in home:
        problems.append(_needs_successor(current, lead, "trust", "safeguarding_lead"))
    elif lead != trust.safeguarding_lead:
        trust = replace(trust, safeguarding_lead=lead)
    if problems:
        raise DirectoryError(current.source, problems)
    directory = Directory(trust, academies, people, source="the staff list")
    before = {p.id: p for p in current.people}
    return StaffChanges(
        directory=directory,
        added=tuple(p for p in people if p.id not in before),
        changed=tuple((before[p.id], p) for p in people if p.id in before and before[p.id] != p),
        removed=tuple(p for p in current.people if p.id not in home),
        roles=tuple(roles),
        settings=_setup(directory) != _setup(current),
    )


def _merged(current: Directory, person: Person, columns: frozenset[str]) -> Person:
    """The person from the file, keeping chat ids and the like its file has no column for."""
    known = current.person(person.id)
    kept = {f: getattr(known, f) for f in KEPT_WHEN_ABSENT if f not in columns} if known else {}
    return replace(person, **kept) if kept else person


def _academy(
    current: Directory,
    academy: Academy,
    new: Mapping[str, Person],
    assigned: Mapping[tuple[str, str], str],
    roles: list[RoleChange],
    problems: list[str],
) -> Academy:
    """The academy with its roles held by people still there, or a problem for each empty one."""

    def stays(person_id: str, trust_wide: bool = False) -> bool:
        now = new.get(person_id)
        return now is not None and (
            now.academy == academy.id or (trust_wide and now.academy is None)
        )

    update: dict[str, Any] = {}
    for slot in SLOTS:
        holder: str = getattr(academy, slot)
        wanted = assigned.get((academy.id, slot), holder)
        if wanted != holder:
            update[slot] = wanted
        if not stays(holder, trust_wide=slot == "it_contact") and wanted == holder:
            problems.append(_needs_successor(current, holder, academy.id, slot))
        elif not stays(holder, trust_wide=slot == "it_contact") and current.person(holder):
            role = f"{SLOTS[slot]} of {academy.name}"
            roles.append(RoleChange(_person(current, holder), role, new[wanted]))
    leadership = [p for p in academy.leadership if stays(p)]
    for gone in (p for p in academy.leadership if not stays(p) and current.person(p)):
        team = f"on the leadership team of {academy.name}"
        roles.append(RoleChange(_person(current, gone), team, None))
    head = str(update.get("headteacher", academy.headteacher))
    if head not in leadership:
        leadership.insert(0, head)
    if leadership != list(academy.leadership):
        update["leadership"] = tuple(leadership)
    return replace(academy, **update) if update else academy


def _person(current: Directory, person_id: str) -> Person:
    person = current.person(person_id)
    assert person is not None, person_id  # a valid directory names only its own people
    return person


def _needs_successor(current: Directory, person_id: str, owner: str, slot: str) -> str:
    person = current.person(person_id)
    who = f"{person.name} ({person_id})" if person else person_id
    what = (
        "the trust's safeguarding lead"
        if owner == "trust"
        else f"{SLOTS[slot]} of {_academy_name(current, owner)}"
    )
    return (
        f"{who} is leaving or moving, but is {what}: say who takes over with "
        f"--assign {owner}.{slot}=PERSON_ID"
    )


def _academy_name(current: Directory, academy_id: str) -> str:
    academy = current.academy(academy_id)
    return academy.name if academy else academy_id
