"""Every message of the plugin and its docks goes through dialogs.messages.tell: a long text also under 'Meer' (the
3.44 desktop trial: a dock's 'Project … opgeslagen in de werkbank.' wrapped onto a second, half-hidden line at
1366×768; only the plugin's own messages were kept short); the drawing confirmations say it in a short title."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Bar:
    def __init__(self):
        self.calls = []

    def pushMessage(self, *args):  # noqa: N802 - QGIS API
        self.calls.append(args)


class _Iface:
    def __init__(self):
        self.bar = _Bar()

    def messageBar(self):  # noqa: N802 - QGIS API
        return self.bar


def test_a_long_text_is_also_whole_under_more():
    from qgis.core import Qgis

    from pmiek_werkbank.dialogs.messages import TITLE, tell

    iface = _Iface()
    long = "De laag voor projecten staat niet in de groep 'pMIEK'. Open eerst de werkbank."
    tell(iface, TITLE, long, Qgis.MessageLevel.Warning, 5)
    tell(iface, TITLE, "Kies eerst een project.", Qgis.MessageLevel.Info, 5)
    tell(iface, "Opgeslagen", "", Qgis.MessageLevel.Success, 3, more="/pad/naar/werkbank.gpkg")
    assert iface.bar.calls == [(TITLE, long, long, Qgis.MessageLevel.Warning, 5),
                               (TITLE, "Kies eerst een project.", Qgis.MessageLevel.Info, 5),
                               ("Opgeslagen", "", "/pad/naar/werkbank.gpkg", Qgis.MessageLevel.Success, 3)]
    tell(object(), TITLE, long, Qgis.MessageLevel.Info)  # no message bar: nothing, no error


def test_no_message_bar_call_outside_the_one_function():
    found = []
    for folder in ("dialogs", "."):
        base = os.path.join(ROOT, folder)
        for name in sorted(os.listdir(base)):
            path = os.path.join(base, name)
            if not name.endswith(".py") or os.path.join("dialogs", "messages.py") in path:
                continue
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if re.search(r"\.pushMessage\(", line):
                        found.append("{}:{}".format(os.path.relpath(path, ROOT), n))
    assert found == []


def test_a_confirmation_replaces_its_earlier_self_and_a_warning_stacks(qgis_app):
    """QGIS 3.40 desktop trial: 'Opgeslagen in de werkbank' stacked twice after a link, and after Esc on a drawing
    the one behind came back as if the drawing had been saved. A confirmation or note replaces an earlier one of its
    title; warnings stack (each is to be read)."""
    from qgis.core import Qgis
    from qgis.gui import QgsMessageBar

    from pmiek_werkbank.dialogs.messages import recently_confirmed, tell

    class Iface:
        def __init__(self):
            self.bar = QgsMessageBar()

        def messageBar(self):  # noqa: N802 - QGIS API
            return self.bar

    iface = Iface()
    tell(iface, "Opgeslagen in de werkbank", "", Qgis.MessageLevel.Success, 0)
    tell(iface, "Let op", "eerste", Qgis.MessageLevel.Warning, 0)
    tell(iface, "Opgeslagen in de werkbank", "", Qgis.MessageLevel.Success, 0)
    tell(iface, "Let op", "tweede", Qgis.MessageLevel.Warning, 0)
    got = sorted((i.title(), i.text()) for i in iface.bar.items())
    assert got == [("Let op", "eerste"), ("Let op", "tweede"), ("Opgeslagen in de werkbank", "")]
    assert recently_confirmed()
    # a dock's own confirmation right after (a link: the write's general one first, then the dock's) replaces it
    tell(iface, "Gekoppeld en opgeslagen", "3 ontwikkelingen", Qgis.MessageLevel.Success, 0)
    got = sorted((i.title(), i.text()) for i in iface.bar.items())
    assert got == [("Gekoppeld en opgeslagen", "3 ontwikkelingen"), ("Let op", "eerste"), ("Let op", "tweede")]
