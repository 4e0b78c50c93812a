"""The business case form: its steps (from bot/data/business_case.yaml) and answer checking."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from bot.core.actions import action
from bot.core.messages import Choice
from bot.errors import UserError
from bot.features.cases.ids import KIND
from bot.model import validation
from bot.model.directory import Directory, Person
from bot.model.validation import NOT_EMPTY, validated
from intents import yaml_data

STEPS_FILE = Path(__file__).parents[2] / "data" / "business_case.yaml"
PERSONAL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "protonmail.com",
        "proton.me",
    }
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_AT_WORD = re.compile(r"\S*@\S*")
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\n|&|\band\b|\+)\s*", re.IGNORECASE)
_MYSELF = {"me", "myself", "i", "me too"}


class FormError(UserError):
    """The form's data file is unusable; the message names the step and the reason."""


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the form."""

    __pydantic_config__: ClassVar[dict[str, object]] = {"extra": "forbid"}

    id: str
    title: str
    kind: Literal["academy", "choice", "text", "people", "emails"]
    prompt: str
    help: str
    options: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    min_length: int = 1
    max_length: int = 1000

    def problems(self) -> list[str]:
        """What makes the step unusable, beyond its fields' types."""
        problems = []
        if self.kind == "choice" and not self.options:
            problems.append("a choice step needs options")
        if unknown := set(self.aliases.values()) - set(self.options):
            problems.append(f"aliases point at options that don't exist: {sorted(unknown)}")
        if not 0 < self.min_length <= self.max_length:
            problems.append("need 0 < min_length <= max_length")
        return problems


@dataclass(frozen=True, slots=True)
class _File:
    __pydantic_config__: ClassVar[dict[str, object]] = {"extra": "forbid"}

    steps: Annotated[tuple[Step, ...], NOT_EMPTY]


def _checked_steps(data: object) -> tuple[Step, ...]:
    """The file's steps; FormError saying what is wrong with them."""
    from pydantic import ValidationError

    try:
        steps = validated(_File, data).steps
    except ValidationError as exc:
        raise FormError(
            "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        ) from None
    problems = [f"steps.{n}: {p}" for n, step in enumerate(steps) for p in step.problems()]
    ids = [s.id for s in steps]
    if missing := REQUIRED - set(ids):
        problems.append(f"the policy's business case needs steps {sorted(missing)}")
    if len(set(ids)) != len(ids):
        problems.append("two steps share an id")
    if problems:
        raise FormError("; ".join(problems))
    return steps


REQUIRED = {"academy", "platform", "handle", "aim", "audience", "promotion", "runners"} | {
    "visibility",
    "emails",
    "comments",
}


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking one answer: a value to store, or what is wrong."""

    value: Any = None
    error: str | None = None
    note: str | None = None
    """Something worth saying even though the answer was accepted (a warning)."""
    suggestions: tuple[Choice, ...] = field(default_factory=tuple)


_CODE = (Path(__file__), Path(str(validation.__file__)))
"""The code that validates the steps file."""


class Form:
    """The steps, in order, with lookup by number, id or title."""

    def __init__(self, steps: tuple[Step, ...]) -> None:
        self.steps = steps

    @classmethod
    def load(cls, path: Path = STEPS_FILE) -> Form:
        """Read and validate the steps file (from the user's cache when it was before)."""
        try:
            text = path.read_text(encoding="utf-8")
            return cls(
                yaml_data.load_checked(
                    text, strict=False, cache_as="business-case", check=_checked_steps, code=_CODE
                )
            )
        except FormError as exc:
            raise FormError(f"{path}: {exc}") from None
        except Exception as exc:
            if not isinstance(exc, OSError) and not yaml_data.is_yaml_error(exc):
                raise
            raise FormError(f"{path}: cannot read the business case steps: {exc}") from exc

    def step(self, step_id: str) -> Step:
        """The step with this id."""
        return next(s for s in self.steps if s.id == step_id)

    def number(self, step_id: str) -> int:
        """The step's 1-based position."""
        return next(n for n, s in enumerate(self.steps, 1) if s.id == step_id)

    def after(self, step_id: str) -> Step | None:
        """The next step, or None after the last."""
        n = self.number(step_id)
        return self.steps[n] if n < len(self.steps) else None

    def before(self, step_id: str) -> Step | None:
        """The previous step, or None before the first."""
        n = self.number(step_id)
        return self.steps[n - 2] if n > 1 else None

    def find(self, ref: str) -> Step | None:
        """The step a person means by a number, an id or a title ('3', 'aim', 'Audience')."""
        ref = ref.strip().lower()
        if ref.isdecimal() and 1 <= int(ref) <= len(self.steps):
            return self.steps[int(ref) - 1]
        return (
            next(
                (
                    s
                    for s in self.steps
                    if ref in (s.id, s.title.lower()) or s.title.lower().startswith(ref)
                ),
                None,
            )
            if len(ref) >= 3
            else None
        )


def check_choice(step: Step, text: str) -> Checked:
    """One of the step's options, by number, text or alias; 'other NAME' when 'Other' exists."""
    t = text.strip()
    low = t.lower().rstrip(".!")
    if low.isdecimal() and 1 <= int(low) <= len(step.options):
        return Checked(step.options[int(low) - 1])
    for option in step.options:
        if low == option.lower() or low in option.lower().split("/"):
            return Checked(option)
    if low in step.aliases:
        return Checked(step.aliases[low])
    if "Other" in step.options and low.startswith("other") and len(t) > 6:
        return Checked(f"Other: {t[5:].strip(' :-')}")
    listed = ", ".join(step.options)
    return Checked(error=f"Please pick one of: {listed}.")


def check_text(step: Step, text: str) -> Checked:
    """Free text within the step's length limits."""
    n = len(text)
    if n < step.min_length:
        return Checked(error=f"Please say a little more (at least {step.min_length} characters).")
    if n > step.max_length:
        return Checked(error=f"That's {n:,} characters; please keep it under {step.max_length:,}.")
    return Checked(text)


def check_emails(step: Step, text: str) -> Checked:
    """Valid email addresses plus a description of how the account is accessed."""
    if len(text) > step.max_length:
        return Checked(error=f"Please keep it under {step.max_length:,} characters.")
    emails = list(dict.fromkeys(m.group().lower() for m in _EMAIL.finditer(text)))
    bad = [w for w in _AT_WORD.findall(text) if not _EMAIL.fullmatch(w.strip(".,;:()<>"))]
    if bad:
        return Checked(error=f"{bad[0]!r} is not a valid email address.")
    if not emails:
        return Checked(error="Please give at least one email address associated with the account.")
    access = " ".join(_EMAIL.sub(" ", text).replace(";", " ").split()).strip(" ,.-:")
    if len(access) < 5:
        return Checked(
            error="Please also say how the account will be accessed (which device or app, "
            "and any two-step verification)."
        )
    personal = personal_addresses(emails)
    note = (
        f"Note: {', '.join(personal)} looks like a personal address. The policy expects "
        "official accounts to use academy email addresses; you can change it at review."
        if personal
        else None
    )
    return Checked({"addresses": emails, "access": access}, note=note)


def personal_addresses(emails: list[str]) -> list[str]:
    """The addresses at personal email providers (gmail.com, hotmail.co.uk …)."""
    return [e for e in emails if e.rpartition("@")[2].lower() in PERSONAL_DOMAINS]


def check_runners(
    text: str, directory: Directory, academy_id: str, requester: Person, chosen: list[str]
) -> Checked:
    """Staff of the academy by name; the value is the list of person ids found so far.

    Names that match nobody exactly come back as suggestions (choices) of the closest staff.
    """
    found = list(chosen)
    problems: list[str] = []
    suggestions: list[Choice] = []
    academy = directory.academy(academy_id)
    where = academy.name if academy else academy_id
    for name in (n.strip(" .") for n in _NAME_SEPARATORS.split(text)):
        if not name:
            continue
        if name.lower() in _MYSELF:
            person: Person | None = requester if requester.academy == academy_id else None
            if person is None:
                problems.append(f"You are not on the staff of {where}, so you can't run it.")
                continue
        else:
            matches = directory.find_people(name, academy_id)
            exact = [p for p in matches if name.casefold() in (p.name.casefold(), p.id)]
            person = exact[0] if exact else None
            if person is None:
                elsewhere = [
                    p for p in directory.find_people(name) if name.casefold() == p.name.casefold()
                ]
                if elsewhere:
                    problems.append(
                        f"{elsewhere[0].name} is not on the staff of {where}; runners must be."
                    )
                    continue
                problems.append(f"I couldn't find “{name}” among the staff of {where}.")
                suggestions += [
                    action(KIND, "runner", p.id).choice(f"{p.name} ({p.role})")
                    for p in matches
                    if p.id not in found
                ]
                continue
        if person.id not in found:
            found.append(person.id)
    error = " ".join(problems) or None
    if error is None and len(found) < 2:
        error = (
            "The policy needs at least two different members of staff. Who else will help run it?"
        )
    return Checked(found, error=error, suggestions=tuple(dict.fromkeys(suggestions)))
