"""The one exception type the command line prints as a message instead of a traceback."""


class UserError(Exception):
    """A problem the person running policybot can fix; its message says what to do."""
