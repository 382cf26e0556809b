"""Signal connections that are undone later (plugin unload, dock cleanup, layer tracking). No widgets."""


class ConnectionsMixin:
    """Remembers every ``signal.connect(slot)`` made through ``_connect`` so ``_disconnect_all`` can undo it."""

    def _connect(self, signal, slot):
        if not hasattr(self, "_connections"):
            self._connections = []
        signal.connect(slot)
        self._connections.append((signal, slot))

    def _disconnect_all(self):
        for signal, slot in getattr(self, "_connections", []):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # already gone with its sender
                pass
        self._connections = []
