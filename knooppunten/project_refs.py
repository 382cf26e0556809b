"""Which project a reference means: the ONE rule for every import, parameter and dialog that names a project by its
project-id or by its code (the user's own project number, the "Nr" of the projectenlijst).  No QGIS.

A reference (spaces around it ignored) means the project whose ``project_id`` it is, or the project whose ``code``
it is.  When it can mean more than one project (a code used by two projects, or a code equal to another project's
id) it is refused with a Dutch message, never guessed; a project whose code equals its own id is not ambiguous.
Used by ``importlinks`` (:mod:`.links`), the balance's what-if (:func:`.balance.settings_from_werkbank`),
``importscores`` and ``record_score`` (:mod:`..scoring.scores`), ``setstatus`` (:mod:`..scoring.decisions`), the
actions and monitoring imports (:mod:`..programme.followup`) and
the variants (:mod:`..programme.variants`).
"""


class ProjectRefError(ValueError):
    """A reference that names more than one project (Dutch message)."""


from ..tabular import text_or_none as _text  # noqa: E402 - the one reading of a text cell


class ProjectRefs:
    """The projects of a werkbank by id and by code (:meth:`from_werkbank`), answering :meth:`lookup`."""

    def __init__(self, rows):
        self._ids = set()
        self._codes = {}
        self._code_of = {}
        for r in rows:
            pid = r["project_id"]
            if pid is None:
                continue
            self._ids.add(pid)
            code = _text(r.get("code"))
            self._code_of[pid] = code
            if code is not None:
                self._codes.setdefault(code, []).append(pid)

    @classmethod
    def from_werkbank(cls, wb, refs=None):
        """Every project, or with ``refs`` only those whose id or code is one of them (the same answers for
        those references, without reading every project)."""
        if refs is None:
            return cls(wb.query("SELECT project_id, code FROM projects"))
        keys = sorted({t for t in (_text(r) for r in refs) if t is not None})
        rows = []
        for i in range(0, len(keys), 400):  # stay far below SQLite's limit of bound parameters
            part = keys[i:i + 400]
            marks = ", ".join("?" * len(part))
            rows += wb.query("SELECT project_id, code FROM projects WHERE project_id IN ({0}) OR code IN ({0})"
                             .format(marks), tuple(part) * 2)
        return cls(rows)

    def lookup(self, ref):
        """``(project_id, problem)``: the project ``ref`` means, or ``(None, None)`` when none (unknown or empty),
        or ``(None, Dutch text)`` when it can mean more than one."""
        ref = _text(ref)
        if ref is None:
            return None, None
        found = [ref] if ref in self._ids else []
        found += [p for p in self._codes.get(ref, ()) if p not in found]
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, None
        others = sorted(p for p in found if p != ref)
        if ref in self._ids:
            return None, ("'{}' is de project-id van het ene project en de code van {} ({}); niet te zeggen welk "
                          "project bedoeld is: maak de code in de werkbank uniek".format(
                              ref, "een ander project" if len(others) == 1 else "andere projecten",
                              ", ".join(others)))
        return None, ("de code '{}' hoort bij {} projecten ({}); niet te zeggen welk project bedoeld is: geef de "
                      "project-id of maak de code in de werkbank uniek".format(ref, len(found), ", ".join(sorted(found))))

    def holders(self, code):
        """The project ids whose code is ``code`` (a list; empty when none)."""
        return list(self._codes.get(_text(code), ()))

    def has_id(self, pid):
        return _text(pid) in self._ids

    def code_of(self, pid):
        """The code of project ``pid`` (None when it has none or is unknown)."""
        return self._code_of.get(_text(pid))

    def resolve(self, ref):
        """The project_id ``ref`` means, None when none; :class:`ProjectRefError` when it can mean more than one."""
        pid, problem = self.lookup(ref)
        if problem:
            raise ProjectRefError(problem)
        return pid
