"""The import pipeline's two exceptions (Dutch messages naming file/row/field)."""


class ImportFailed(Exception):
    """The import did not run; Dutch message naming file/row/field. The werkbank is unchanged."""


class ImportCancelled(ImportFailed):
    """The user cancelled; nothing was written."""

    def __init__(self, source="bron"):
        super().__init__("{}: import geannuleerd; er is niets geschreven en de werkbank is niet gewijzigd.".format(
            source))
