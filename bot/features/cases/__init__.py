"""Business cases for new academy accounts: the form, its drafting, decisions and queries.

Each name below is imported from its module when first asked for, so the worker, which needs
only the form and the approvals, does not load the conversation's drafting.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.features.cases.feature import BusinessCaseFeature
    from bot.features.cases.form import Form
    from bot.features.cases.queries import CaseQueries
    from bot.features.cases.wording import one_line

__all__ = ["BusinessCaseFeature", "CaseQueries", "Form", "one_line"]

_MODULES = {
    "BusinessCaseFeature": "feature",
    "CaseQueries": "queries",
    "Form": "form",
    "one_line": "wording",
}


def __getattr__(name: str) -> Any:
    """One of the package's names, from its own module."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    globals()[name] = value
    return value
