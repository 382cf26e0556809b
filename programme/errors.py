"""The exception of the programme package: a Dutch message for the user."""

from ..werkbank.storage import WerkbankError


class ProgrammeError(WerkbankError):
    """A refused round, variant or exchange action; ``str(e)`` is the Dutch message."""


class FrozenRoundError(ProgrammeError):
    """Writing to a frozen (read-only) round was refused."""
