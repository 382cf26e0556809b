"""The one way the plugin speaks in QGIS's message bar (the plugin and every dock).

The bar shows one line; at 1366×768, between two panels, that is about 35 characters of title and text.  A text
longer than that wraps onto a second line the bar half hides, so it is also given whole under the bar's 'Meer' button
(``pushMessage(title, text, showMore, level, duration)``, QGIS 3.22+), and a message that matters says what happened
in its short title.
"""

LONG_MESSAGE = 35  # characters of title and text the message bar shows beside two panels at 1366×768
TITLE = "pMIEK Werkbank"


def tell(iface, title, text, level, duration=8, more=""):
    """A message in the bar: a short title and text (say what happened in the title: 'Knooppunt opgeslagen', with
    the name as text); a longer text is also given whole under 'Meer' (or ``more`` when given).
    Without a message bar (tests, a host without one) nothing happens."""
    text = text or ""
    more = more or (text if len(text) > LONG_MESSAGE else "")  # a long text also under 'Meer', to read it whole
    try:
        bar = iface.messageBar()
    except Exception:  # noqa: BLE001 - no message bar
        return
    if bar is None:
        return
    if more:
        bar.pushMessage(title, text, more, level, duration)
    else:
        bar.pushMessage(title, text, level, duration)
