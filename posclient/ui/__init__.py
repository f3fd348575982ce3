"""Qt widgets (PySide6): the desktop till. Arrives with issue 4."""
