"""All-or-nothing file replacement: write beside, fsync, swap only on success.

Every file the plugin writes or replaces (outputs, reports, ZIPs, werkbank
copies) goes through :func:`atomic_path` (or :func:`atomic_open` for text and
bytes).  The new content is written to a hidden temporary file in the same
folder (``.<name>.pmiek-tmp-<pid>-<random><ext>``; the extension stays last so
GDAL/openpyxl/QGIS recognise the format), flushed to disk with ``fsync`` and
only then moved over the target with ``os.replace`` (atomic on one file
system).  A failure, an exception, a full disk or a kill therefore never leaves
a half-written target: the old file stays whole.  On failure the temporary file
is removed; after a kill it is left behind and :func:`remove_stale` (called by
the next write into that folder) removes it, because its process is gone.

Stdlib only; importable everywhere, also without QGIS.
"""

import contextlib
import errno
import os
import re
import secrets

TMP_MARK = ".pmiek-tmp-"
_TMP_RE = re.compile(r"^\..*" + re.escape(TMP_MARK) + r"(?P<pid>\d+)-[0-9a-f]+")
# Temporary files of earlier versions (no process id in the name): removed once they are a day old.
_LEGACY_RE = re.compile(r"^(\..+\.kopie-[0-9a-f]{8}\.gpkg|.+\.gpkg\.tmp(-[0-9a-f]{8})?)(-journal|-wal|-shm)?$")
LEGACY_AGE_S = 24 * 3600


class AtomicWriteError(OSError):
    """Writing failed; the target (if any) is unchanged.  ``str()`` is a Dutch message."""

    def __str__(self):
        return self.strerror or super().__str__()


def temp_path_for(path):
    """A hidden temporary path beside ``path`` (same folder, same extension)."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    stem, ext = os.path.splitext(name)
    # keep a double extension such as .tar.gz whole; keep file names short
    return os.path.join(folder, ".{}{}{}-{}{}".format(stem[:60], TMP_MARK, os.getpid(), secrets.token_hex(4), ext))


def is_temp_name(name):
    return bool(_TMP_RE.match(os.path.basename(name)))


def _pid_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def remove_stale(folder):
    """Remove temporary files of killed writers in ``folder`` (their process is gone).

    Returns the removed paths.  Never touches anything else.
    """
    removed = []
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return removed
    import time

    for name in names:
        m = _TMP_RE.match(name)
        p = os.path.join(folder, name)
        if m is None:
            if not _LEGACY_RE.match(name):
                continue
            try:
                if time.time() - os.path.getmtime(p) < LEGACY_AGE_S:
                    continue
            except OSError:
                continue
        elif _pid_alive(int(m.group("pid"))):
            continue
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                import shutil

                shutil.rmtree(p)
            else:
                os.remove(p)
            removed.append(p)
        except OSError:
            pass
    return removed


def fsync_path(path):
    """Flush a written file (or, for a folder, its directory entries) to disk."""
    flags = os.O_RDONLY
    if os.path.isdir(path):
        flags |= getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(path):
    if os.path.isdir(path):
        for root, _dirs, files in os.walk(path):
            for f in files:
                fsync_path(os.path.join(root, f))
            fsync_path(root)
    else:
        fsync_path(path)


def describe_os_error(exc, path):
    """A Dutch sentence for an OSError while writing ``path``."""
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        why = "de schijf is vol"
    elif code in (errno.EACCES, errno.EPERM):
        why = "geen schrijfrechten (of het bestand/de map is beveiligd)"
    elif code == errno.EROFS:
        why = "de schijf is alleen-lezen"
    elif code == errno.ENOENT:
        why = "de map bestaat niet"
    elif code == errno.ENAMETOOLONG:
        why = "de naam is te lang"
    else:
        why = getattr(exc, "strerror", None) or str(exc)
    return why


def _replace(tmp, path):
    if os.path.isdir(tmp) and os.path.isdir(path) and not os.path.islink(path):
        # a folder cannot be replaced in one step: move the old one aside first
        old = temp_path_for(path)
        os.replace(path, old)
        try:
            os.replace(tmp, path)
        except OSError:
            os.replace(old, path)
            raise
        import shutil

        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, path)


_PROTECTED = []  # stack of lists of normalised paths no write may replace (see protected())


def _norm(path):
    return os.path.normcase(os.path.realpath(os.path.abspath(os.fspath(path))))


@contextlib.contextmanager
def protected(paths):
    """While the block runs, :func:`atomic_path` refuses to replace any of ``paths``.

    The Processing algorithms protect their input werkbank (and its companions)
    this way, so no output - also one inside a folder destination - can hit it.
    """
    entry = [_norm(p) for p in paths if p]
    _PROTECTED.append(entry)
    try:
        yield
    finally:
        _PROTECTED.remove(entry)


_CURRENT = []  # the werkbank the desktop session works on (layers/project.Session): protected while it is current


def protect_current(path):
    """Protect the session's current werkbank and its SQLite companions (``None``: no current werkbank)."""
    _CURRENT[:] = [_norm(path + s) for s in ("", "-wal", "-shm", "-journal")] if path and os.path.isfile(path) else []


def check_not_protected(path):
    """Raise :class:`AtomicWriteError` when ``path`` is a protected file (an open werkbank)."""
    if not _PROTECTED and not _CURRENT:
        return
    p = _norm(path)
    for entry in list(_PROTECTED) + [list(_CURRENT)]:
        for q in entry:
            same = p == q
            if not same and os.path.exists(p) and os.path.exists(q):
                try:
                    same = os.path.samefile(p, q)
                except OSError:
                    same = False
            if same:
                raise AtomicWriteError(errno.EPERM, (
                    "'{}' is de werkbank (of een hulpbestand of de rondemap ervan) en wordt niet overschreven. "
                    "Er is niets geschreven; kies een andere uitvoer.").format(path))


@contextlib.contextmanager
def atomic_path(path, folder=False):
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    Write the new file (or, with ``folder=True``, a new folder) at the yielded
    path.  When the block ends without an exception the result is fsynced and
    swapped in with ``os.replace``; otherwise it is removed and ``path`` is
    left exactly as it was.  Raises :class:`AtomicWriteError` (Dutch message)
    when the swap itself fails.
    """
    path = os.path.abspath(os.fspath(path))
    check_not_protected(path)
    parent = os.path.dirname(path)
    made = _make_folders(parent)
    remove_stale(parent)
    tmp = temp_path_for(path)
    if folder:
        try:
            os.makedirs(tmp)
        except OSError as e:
            raise AtomicWriteError(e.errno, "Kan niet schrijven in {}: {}. Er is niets gewijzigd.".format(
                parent, describe_os_error(e, parent))) from e
    try:
        yield tmp
        if not os.path.exists(tmp):
            raise AtomicWriteError(errno.ENOENT, "{}: er is niets geschreven; het bestaande bestand is ongewijzigd.".format(path))
        _fsync_tree(tmp)
        try:
            _replace(tmp, path)
        except OSError as e:
            raise AtomicWriteError(e.errno, "Kan {} niet vervangen: {}. Het bestaande bestand is ongewijzigd.".format(
                path, describe_os_error(e, path))) from e
        fsync_path(parent)
    except BaseException:
        discard(tmp)
        for folder in reversed(made):  # a folder made for this file goes again when nothing was swapped in
            try:
                os.rmdir(folder)
            except OSError:
                break
        raise


def _make_folders(folder):
    """Make ``folder`` and its missing parents, as a user expects of a new output path; returns the folders made
    (top first).  A Dutch :class:`AtomicWriteError` when that is not possible."""
    missing = []
    f = folder
    while f and not os.path.isdir(f) and os.path.dirname(f) != f:
        missing.append(f)
        f = os.path.dirname(f)
    made = []
    for f in reversed(missing):
        try:
            os.mkdir(f)
        except FileExistsError:
            if not os.path.isdir(f):
                raise AtomicWriteError(errno.ENOTDIR, "Kan de map {} niet maken: er staat een bestand met die "
                                                      "naam. Er is niets gewijzigd.".format(f)) from None
            continue
        except OSError as e:
            raise AtomicWriteError(e.errno, "Kan de map {} niet maken: {}. Er is niets gewijzigd.".format(
                f, describe_os_error(e, f))) from e
        made.append(f)
    return made


def discard(tmp):
    """Remove a temporary file or folder (errors ignored)."""
    try:
        if os.path.isdir(tmp) and not os.path.islink(tmp):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.lexists(tmp):
            os.remove(tmp)
    except OSError:
        pass


@contextlib.contextmanager
def atomic_open(path, mode="w", **kwargs):
    """``open()`` for writing that replaces ``path`` only when the block succeeds.

    ``mode`` is ``"w"``/``"wb"`` (never append).  Write errors (full disk,
    permissions) are re-raised as :class:`AtomicWriteError` with a Dutch message
    saying the old file is unchanged.
    """
    if not mode.startswith("w"):
        raise ValueError("atomic_open schrijft alleen (mode 'w' of 'wb').")
    with atomic_path(path) as tmp:
        try:
            with open(tmp, mode, **kwargs) as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            if isinstance(e, AtomicWriteError):
                raise
            raise AtomicWriteError(e.errno, "Kan {} niet schrijven: {}. {}".format(
                path, describe_os_error(e, path),
                "Het bestaande bestand is ongewijzigd." if os.path.exists(path) else "Er is niets geschreven.")) from e


def write_bytes(path, data):
    with atomic_open(path, "wb") as f:
        f.write(data)
    return path


def write_text(path, text, encoding="utf-8"):
    with atomic_open(path, "w", encoding=encoding, newline="") as f:
        f.write(text)
    return path
