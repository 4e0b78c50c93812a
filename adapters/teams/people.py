"""Teams users as directory people: by the Azure AD object id Teams sends with every activity."""

from __future__ import annotations

from botbuilder.schema import Activity

from adapters.teams.settings import GUID, GUID_EXAMPLE
from bot.model.directory import Directory, Person
from bot.model.directory_file import IdFormat

ACCOUNT = "Microsoft account"
"""What Teams calls the account someone the directory lacks should have added."""
TEAMS_ID = IdFormat("teams_id", GUID, f"a Teams (Azure AD) object id, a GUID like {GUID_EXAMPLE}")
"""What a Teams id in the trust directory looks like."""


def person_of(directory: Directory, activity: Activity) -> Person | None:
    """The directory person behind the sender's Azure AD object id; never card data."""
    oid = activity.from_property.aad_object_id if activity.from_property else None
    return directory.by_teams_id(oid) if oid else None
