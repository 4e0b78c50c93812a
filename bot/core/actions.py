"""The values behind choices and buttons: one typed codec instead of strings split by hand.

A value is `kind:verb:arg:…` (`case:approve:SMA-0001`, `clause:pupils.no-friending`,
`feedback:up:<clause>:<intent>:<question, redacted>`, `comment:responded:3`). Values are
stored with queued messages and in conversation state, so the format is stable: add kinds,
verbs and trailing arguments, never reorder the parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.messages import Choice

SEP = ":"


@dataclass(frozen=True, slots=True)
class Action:
    """What a choice does: the feature that owns it (`kind`), what to do, and its arguments."""

    kind: str
    verb: str = ""
    args: tuple[str, ...] = ()

    @classmethod
    def parse(cls, value: str) -> Action:
        """The action a choice value stands for (any string parses; unknown kinds match nothing)."""
        kind, *rest = value.split(SEP)
        return cls(kind, rest[0] if rest else "", tuple(rest[1:]))

    @property
    def value(self) -> str:
        """The string carried by a button or stored with a choice."""
        return SEP.join([self.kind, *([self.verb] if self.verb or self.args else []), *self.args])

    @property
    def arg(self) -> str:
        """The first argument, or ''."""
        return self.args[0] if self.args else ""

    @property
    def rest(self) -> str:
        """Everything after the verb, colons included (for free text carried in a value)."""
        return SEP.join(self.args)

    def choice(self, label: str) -> Choice:
        """A choice with this label that performs this action."""
        return Choice(label, self.value)


def action(kind: str, verb: str = "", *args: str) -> Action:
    """Shorthand: action('case', 'approve', 'SMA-0001')."""
    return Action(kind, verb, tuple(args))
