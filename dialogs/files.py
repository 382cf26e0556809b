"""File dialogs that remember their folder (QGIS settings) and start next to the current werkbank.

One place for every file dialog of the plugin: ``open_file``, ``save_file`` and
``folder`` start in the folder used last (``pmiek/last_folder``), else next to
the current werkbank, else the home folder, and remember the folder chosen.
"""

import os

from qgis.core import QgsSettings
from qgis.PyQt.QtWidgets import QFileDialog

SETTINGS_FOLDER = "pmiek/last_folder"


def start_folder(werkbank_path=""):
    """Folder a dialog starts in: last used (when it still exists), else the werkbank's folder, else home."""
    last = QgsSettings().value(SETTINGS_FOLDER, "", type=str)
    if last and os.path.isdir(last):
        return last
    if werkbank_path and not werkbank_path.startswith("pg:") and os.path.isdir(os.path.dirname(
            os.path.abspath(werkbank_path))):
        return os.path.dirname(os.path.abspath(werkbank_path))
    return os.path.expanduser("~")


def werkbank_folder(werkbank_path=""):
    """The werkbank's own folder (GeoPackage), else the start folder: default place for its outputs."""
    if werkbank_path and os.path.isfile(werkbank_path):
        return os.path.dirname(os.path.abspath(werkbank_path))
    return start_folder(werkbank_path)


EXPORT_FOLDERS = "pmiek/export_folder/"  # + a key of the werkbank: the folder its exports went to last


def _werkbank_key(werkbank_path):
    import hashlib

    return hashlib.sha1(os.path.abspath(werkbank_path).encode("utf-8")).hexdigest()[:16] if werkbank_path else ""


def export_folder(werkbank_path):
    """Where the export dialog starts for this werkbank: the folder its exports went to last (kept across QGIS
    sessions), else 'pmiek_export' next to it."""
    if werkbank_path:
        last = QgsSettings().value(EXPORT_FOLDERS + _werkbank_key(werkbank_path), "", type=str)
        if last and os.path.isdir(os.path.dirname(os.path.abspath(last))):
            return last
    return os.path.join(werkbank_folder(werkbank_path), "pmiek_export")


def remember_export_folder(werkbank_path, folder):
    if werkbank_path and folder:
        QgsSettings().setValue(EXPORT_FOLDERS + _werkbank_key(werkbank_path), os.path.abspath(folder))


def remember(path):
    """Remember the folder of ``path`` (a file or a folder) for the next dialog."""
    if not path:
        return
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    if folder:
        QgsSettings().setValue(SETTINGS_FOLDER, folder)


def open_file(parent, title, file_filter, werkbank_path=""):
    path, _ = QFileDialog.getOpenFileName(parent, title, start_folder(werkbank_path), file_filter)
    remember(path)
    return path


def save_file(parent, title, file_filter, name="", werkbank_path="", folder=None):
    start = folder or start_folder(werkbank_path)
    path, _ = QFileDialog.getSaveFileName(parent, title, os.path.join(start, name) if name else start, file_filter)
    remember(path)
    return path


def choose_folder(parent, title, werkbank_path="", folder=None):
    path = QFileDialog.getExistingDirectory(parent, title, folder or start_folder(werkbank_path))
    remember(path)
    return path
