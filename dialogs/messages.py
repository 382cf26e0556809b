"""The one way the plugin speaks in QGIS's message bar (the plugin and every dock).

The bar shows one line; at 1366×768, between two panels, that is about 35 characters of title and text.  A text
longer than that wraps onto a second line the bar half hides, so it is also given whole under the bar's 'Meer' button
(``pushMessage(title, text, showMore, level, duration)``, QGIS 3.22+), and a message that matters says what happened
in its short title.
"""

import time

LONG_MESSAGE = 35  # characters of title and text the message bar shows beside two panels at 1366×768
TITLE = "pMIEK Werkbank"
SAVED = "Opgeslagen in de werkbank"  # the plugin's general confirmation of a write (plugin._on_data_changed)
_LAST_CONFIRMATION = [0.0]  # when the plugin last confirmed something (time.monotonic)


def recently_confirmed(seconds=2.0):
    """Whether a confirmation (success) went to the bar within ``seconds``: a general 'saved' then says nothing new."""
    return time.monotonic() - _LAST_CONFIRMATION[0] < seconds


def tell(iface, title, text, level, duration=8, more=""):
    """A message in the bar: a short title and text (say what happened in the title: 'Knooppunt opgeslagen', with
    the name as text); a longer text is also given whole under 'Meer' (or ``more`` when given).
    A confirmation or note (success, info) replaces an earlier one of the same title instead of stacking behind it:
    the bar brought stacked confirmations back one by one when the front one closed (after Esc on a drawing,
    'Opgeslagen in de werkbank' came back as if the drawing had been saved; QGIS 3.40 desktop trial).  Warnings
    and errors stack, each to be read.  Without a message bar (tests, a host without one) nothing happens."""
    from qgis.core import Qgis

    text = text or ""
    more = more or (text if len(text) > LONG_MESSAGE else "")  # a long text also under 'Meer', to read it whole
    try:
        bar = iface.messageBar()
    except Exception:  # noqa: BLE001 - no message bar
        return
    if bar is None:
        return
    if level in (Qgis.MessageLevel.Success, Qgis.MessageLevel.Info):
        # a dock's own confirmation also replaces the general one its write set off a moment before
        gone = {title, SAVED} if level == Qgis.MessageLevel.Success else {title}
        items = getattr(bar, "items", None)
        for item in list(items() if callable(items) else []):
            try:
                if item.title() in gone:
                    bar.popWidget(item)
            except (AttributeError, RuntimeError):
                continue
        if level == Qgis.MessageLevel.Success:
            _LAST_CONFIRMATION[0] = time.monotonic()
    if more:
        bar.pushMessage(title, text, more, level, duration)
    else:
        bar.pushMessage(title, text, level, duration)
