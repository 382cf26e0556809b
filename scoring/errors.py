"""The one exception of the scoring package: a Dutch message for the user."""

from ..werkbank.storage import WerkbankError


class ScoringError(WerkbankError):
    """A refused criterion, rating or decision; ``str(e)`` is the Dutch message."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = list(problems or [message])
