"""The import pipeline's exceptions (Dutch messages naming file/row/field)."""


class ImportFailed(Exception):
    """The import did not run; Dutch message naming file/row/field. The werkbank is unchanged.  ``report``: the
    import's report with the problems that refused it (a ``layers.validation.ValidationReport``, set by the runner
    where it knows them), ``report_path``: where the runner wrote it (None: not written)."""

    report = None
    report_path = None


class ImportCancelled(ImportFailed):
    """The user cancelled; nothing was written."""

    def __init__(self, source="bron"):
        super().__init__("{}: import geannuleerd; er is niets geschreven en de werkbank is niet gewijzigd.".format(
            source))


class RowError(ImportFailed):
    """One source row a kind's validate hook rejects, with its parts for the runner and the report: ``row`` (the
    number the user sees: spreadsheet line or feature id), ``id`` (as shown; None: not shown), ``field`` (the
    source column, or None), ``message`` (Dutch), ``key`` (the row's key in the target table when known, for
    REMOVED: a rejected row is still in its source) and ``repeats`` (the row number this row duplicates: without
    that row it may be valid).  ``str()`` is the one Dutch sentence "<bron>, rij 12 (id P1), veld 'x': melding"
    (``ident_label`` instead of "id": "(project P1)" where the id shown is another table's).

    A hook returns these in its error list (the runner rejects the rows and validates the rest again); a plain
    string there is an error naming no row, which refuses the whole import."""

    def __init__(self, source, row, message, ident=None, field=None, key=None, repeats=None, ident_label="id"):
        self.source = source
        self.row = int(row)
        self.id = None if ident is None else str(ident)
        self.field = field
        self.message = message
        self.key = key
        self.repeats = None if repeats is None else int(repeats)
        super().__init__("{}, rij {}{}{}: {}".format(
            source, self.row, "" if ident is None else " ({} {})".format(ident_label, ident),
            "" if field is None else ", veld '{}'".format(field), message))

    def parts(self):
        """``(row, id, field, message)``: one rejected row in an Outcome and the report."""
        return self.row, self.id, self.field, self.message


class RowWarning(str):
    """A warning about one source row that is imported all the same, as a hook's note: the text is the one Dutch
    sentence "<bron>, rij 12 (id P1), veld 'x': waarschuwing: melding" (a note like any other in the log), and the
    runner puts ``row``, ``id``, ``field`` and ``message`` in the report's columns."""

    def __new__(cls, source, row, message, ident=None, field=None):
        text = "{}, rij {}{}{}: waarschuwing: {}".format(
            source, int(row), "" if ident is None else " (id {})".format(ident),
            "" if field is None else ", veld '{}'".format(field), message)
        obj = super().__new__(cls, text)
        obj.source, obj.row, obj.field, obj.message = source, int(row), field, message
        obj.id = None if ident is None else str(ident)
        return obj
