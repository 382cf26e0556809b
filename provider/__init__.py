"""Processing provider ``pmiek``: every user action as a headless algorithm."""
