"""A message suggesting a child may be at risk: the DSO named first, what to do now, and an
urgent "contact me" request that carries who asked and when, never what was said.

Nothing of the message itself is kept or logged: only a count per academy and month.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.actions import Action, action
from bot.core.messages import Choice, Quote, Reply
from bot.model.directory import Directory, Person
from bot.model.ports import Outbox, SafeguardingStats
from bot.model.records import Clock

KIND = "safeguarding"
"""The kind of this module's choice values: `safeguarding:contact:<person id>`."""
UK = ZoneInfo("Europe/London")

OPENING = "This sounds like it could be a safeguarding concern."
DO_NOW = (
    "What to do now:\n"
    "• If a child is in immediate danger, call 999.\n"
    "• Don't investigate or question the child further, and don't confront anyone involved.\n"
    "• Don't copy, screenshot, forward or save any images, even as evidence.\n"
    "• Write down what you saw or were told, in the child's own words, with the date and "
    "time, and give it to the safeguarding lead."
)
CONTACT_SENT = (
    "Sent: I've asked {name} to contact you now ({reach}). I told them only that you "
    "asked, and when; nothing of what you wrote. If a child is in immediate danger, call 999."
)
URGENT = (
    "URGENT, safeguarding: {asker} asked at {when} for you to contact them now about a "
    "possible concern for a child. Reach them at {contact}. (policybot passes on who asked and "
    "when, never what was said.)"
)
NOT_A_CONTACT = "I can only pass a safeguarding request to a DSO or the trust's safeguarding lead."
NOT_IN_DIRECTORY = (
    "I can't find you in the trust directory, so I can't send that for you. Please phone your "
    "academy's Designated Safeguarding Officer now; if a child is in immediate danger, call 999."
)
_TYPED_CONTACT = re.compile(
    r"\b(?:ask|tell|get|have|want|need)\b.{0,30}\b(?:dso|dsl|safeguarding\s+(?:lead|officer))\b"
    r".{0,30}\b(?:contact|call|ring|phone|message|speak to|talk to)\b.{0,12}\bme\b"
    r"|^\s*(?:please\s+)?contact\s+(?:the\s+|my\s+)?(?:dso|dsl)\b",
    re.IGNORECASE,
)


def reach(person: Person) -> str:
    """'bernard@…, 01234 …': the ways to reach someone."""
    return f"{person.email}, {person.phone}" if person.phone else person.email


def describe(person: Person) -> str:
    """'Bernard Sample (bernard@…, 01234 …)': a name with the ways to reach them."""
    return f"{person.name} ({reach(person)})"


class Safeguarding:
    """Routes disclosures to the right safeguarding lead and passes on urgent contact requests."""

    def __init__(
        self, directory: Directory, outbox: Outbox, stats: SafeguardingStats, clock: Clock
    ) -> None:
        self.directory = directory
        self.outbox = outbox
        self.stats = stats
        self.clock = clock

    @staticmethod
    def asks_for_contact(text: str) -> bool:
        """True for a typed 'ask the DSO to contact me' (the contact button's equivalent)."""
        return bool(_TYPED_CONTACT.search(text))

    async def disclosed(self, sender: str, quote: Quote, also: Sequence[Choice] = ()) -> Reply:
        """The reply to a disclosure: whom to tell, what to do now, the policy's clause."""
        person = self.directory.person(sender)
        month = self.clock().astimezone(UK).strftime("%Y-%m")
        await self.stats.count_route(person.academy if person else None, month)
        leads = self.directory.safeguarding_contacts(person)
        return Reply(
            f"{OPENING} {self._whom(person, leads)}\n\n{DO_NOW}\n\nThe policy says:",
            quote=quote,
            choices=(*self._contact_choices(leads), *also),
        )

    async def on_choice(self, sender: str, value: str) -> list[Reply] | None:
        """The contact button; None for anyone else's choice."""
        act = Action.parse(value)
        if act.kind != KIND or act.verb != "contact":
            return None
        return [await self.contact(sender, act.arg)]

    async def typed_contact(self, sender: str) -> list[Reply]:
        """'ask the DSO to contact me': sent at once when there is one lead, else a choice."""
        leads = self.directory.safeguarding_contacts(self.directory.person(sender))
        if len(leads) == 1:
            return [await self.contact(sender, leads[0].id)]
        return [
            Reply(
                "Which academy does the child attend? I'll ask its DSO to contact you now.",
                choices=tuple(self._contact_choices(leads)),
            )
        ]

    async def contact(self, sender: str, lead_id: str) -> Reply:
        """Queue an urgent message to the lead naming only who asked and when."""
        asker = self.directory.person(sender)
        lead = self.directory.person(lead_id)
        if asker is None:
            return Reply(NOT_IN_DIRECTORY)
        if lead is None or lead_id not in self._all_leads():
            return Reply(NOT_A_CONTACT)
        now = self.clock()
        local = now.astimezone(UK)
        academy = self.directory.academy_of(asker)
        where = f", {academy.name}" if academy else ""
        text = URGENT.format(
            asker=f"{asker.name} ({asker.role}{where})",
            when=f"{local:%H:%M} on {local:%A} {local.day} {local:%B}",
            contact=reach(asker),
        )
        # One message a minute per asker and lead: a double click sends once.
        key = f"{KIND}:contact:{sender}:{lead_id}:{_minute(now)}"
        await self.outbox.enqueue(key, lead_id, Reply(text))
        return Reply(CONTACT_SENT.format(name=lead.name, reach=reach(lead)))

    def _whom(self, person: Person | None, leads: list[Person]) -> str:
        if person is not None and self.directory.academy_of(person) is not None and leads:
            return (
                "Speak to your Designated Safeguarding Officer today, before anything else: "
                f"{describe(leads[0])}."
            )
        if len(leads) == 1:
            return (
                "Speak to the trust's safeguarding lead today, before anything else: "
                f"{describe(leads[0])}."
            )
        by_academy = "\n".join(
            f"• {a.name}: {describe(p)}"
            for a in self.directory.academies
            if (p := self.directory.person(a.safeguarding_officer)) is not None
        )
        return (
            "Speak today, before anything else, to the Designated Safeguarding Officer of the "
            f"academy the child attends:\n{by_academy}"
        )

    def _contact_choices(self, leads: list[Person]) -> list[Choice]:
        if len(leads) == 1:
            first = leads[0].name.split()[0]
            return [action(KIND, "contact", leads[0].id).choice(f"Ask {first} to contact me now")]
        return [
            action(KIND, "contact", p.id).choice(f"Ask {p.name} ({a.name}) to contact me now")
            for a in self.directory.academies
            if (p := self.directory.person(a.safeguarding_officer)) is not None
        ]

    def _all_leads(self) -> set[str]:
        lead = self.directory.trust.safeguarding_lead
        dsos = {a.safeguarding_officer for a in self.directory.academies}
        return dsos | ({lead} if lead else set())


def _minute(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M}"
