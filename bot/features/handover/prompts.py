"""The handover question a person is answering, kept in their conversation state.

A question stays open until it is answered, cancelled or replaced by a new request, so a wrong
answer is asked again with its context, and a question about the policy asked in between is
answered, then the handover question is asked again ('resume'). The state under KEY is one of:

- `{"step": "adding", "account": id, "added": [ids]}`: who should also run the account;
- `{"step": "for", "account": id or "-"}`: whose account is being handed over;
- `{"step": "which", "person": id}`: which of the person's accounts;
- `{"step": "confirm", "account": id, "person": id}`: yes or cancel.

Older states saved as `{"adding": id}` still load.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

KEY = "handover"
"""Where the open handover question is kept in the conversation state."""

Step = Literal["adding", "for", "which", "confirm"]
STEPS: tuple[Step, ...] = ("adding", "for", "which", "confirm")
NO_ACCOUNT = "-"


@dataclass(frozen=True, slots=True)
class Prompt:
    """An open handover question and what it is about."""

    step: Step
    account: str = NO_ACCOUNT
    """The account's id, or '-' when none is named yet."""
    person: str = ""
    """Who is leaving (steps 'which' and 'confirm')."""
    added: tuple[str, ...] = ()
    """The runners added so far while this question was open (step 'adding')."""

    def save(self, state: dict[str, Any]) -> None:
        """Keep this question open in the state."""
        state[KEY] = {
            "step": self.step,
            "account": self.account,
            "person": self.person,
            "added": list(self.added),
        }

    @classmethod
    def load(cls, state: dict[str, Any]) -> Prompt | None:
        """The open question, or None (also for a state this version cannot read)."""
        saved = state.get(KEY)
        if not isinstance(saved, dict):
            return None
        if "adding" in saved:  # saved before questions were asked again
            return cls("adding", str(saved["adding"]))
        step = saved.get("step")
        if step not in STEPS:
            return None
        return cls(
            cast(Step, step),
            str(saved.get("account") or NO_ACCOUNT),
            str(saved.get("person") or ""),
            tuple(str(i) for i in saved.get("added") or ()),
        )


def forget(state: dict[str, Any]) -> None:
    """Close any open handover question."""
    state.pop(KEY, None)
