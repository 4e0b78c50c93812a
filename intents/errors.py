"""The knowledge base's one error type, in a leaf module so catching it costs no import time."""


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file, the field and the reason."""
