"""Business cases for new academy accounts: the form, its drafting, decisions and queries."""

from bot.features.cases.feature import BusinessCaseFeature
from bot.features.cases.form import Form
from bot.features.cases.queries import CaseQueries
from bot.features.cases.wording import one_line

__all__ = ["BusinessCaseFeature", "CaseQueries", "Form", "one_line"]
