"""Entra ID user objects as the people of a staff list.

The academy attribute holds the academy's id or name, or 'Trust' (or the trust's name) for
HR, IT and admin staff who work for the trust itself.
Someone already in the directory keeps their id (matched by Teams object id, then email), so
their roles, accounts and chat ids follow them; a newcomer's id is made from their email.
The Teams id is the user's object id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.model.directory import ROLES, Academy, Directory, DirectoryError, Person
from bot.model.staff_csv import StaffFile, academy_names, person_from_row
from bot.sources.graph import GraphSettings

SOURCE = "Microsoft Graph"
COLUMNS = frozenset({"id", "name", "email", "role", "academy", "teams_id"})
"""What Graph gives; phone, Slack id and manager stay as the directory has them."""


def attribute(user: dict[str, Any], path: str) -> str:
    """A user property as text; 'onPremisesExtensionAttributes.extensionAttribute1' reaches in."""
    value: Any = user
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return str(value).strip() if isinstance(value, str | int) else ""


def staff_from_users(
    users: Iterable[dict[str, Any]],
    settings: GraphSettings,
    current: Directory,
    academies: Iterable[Academy],
) -> StaffFile:
    """The enabled staff users as people; DirectoryError naming each user that cannot be."""
    names = academy_names(academies)
    taken = {p.id for p in current.people}
    trust_wide = {"trust", current.trust.name.casefold()}
    people: list[Person] = []
    problems: list[str] = []
    for user in users:
        if user.get("accountEnabled") is False:
            continue
        academy = attribute(user, settings.academy_attribute)
        if not academy and settings.group_id is None:
            continue  # without a group, staff are the users whose academy is filled in
        if academy.casefold() in trust_wide:
            academy = ""  # HR, IT and admin staff who work for the trust itself
        email = attribute(user, "mail") or attribute(user, "userPrincipalName")
        role = attribute(user, settings.role_attribute).casefold()
        values = {
            "id": _id_for(user, email, current, taken),
            "name": attribute(user, "displayName"),
            "email": email,
            "role": role if role in ROLES else settings.default_role,
            "academy": academy,
            "teams_id": attribute(user, "id"),
        }
        person, wrong = person_from_row(values, names)
        problems += [f"user {email or values['teams_id']}: {reason}" for reason in wrong]
        if person is not None:
            people.append(person)
    if problems:
        raise DirectoryError(SOURCE, problems)
    if not people:
        raise DirectoryError(SOURCE, ["no staff found: check GRAPH_GROUP_ID or the attribute"])
    return StaffFile(tuple(people), COLUMNS)


def _id_for(user: dict[str, Any], email: str, current: Directory, taken: set[str]) -> str:
    """Their directory id, or a new one from their email that nobody else has."""
    known = current.by_teams_id(attribute(user, "id")) or current.by_email(email)
    if known is not None:
        return known.id
    base = re.sub(r"[^a-z0-9]+", "-", email.split("@")[0].casefold()).strip("-") or "staff"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate
