"""Qt's ``QT_TRANSLATE_NOOP`` with its real type.

It marks a string for ``lupdate`` (tools/build_translations.py finds the calls by this name,
wherever it is imported from) and returns it unchanged; PySide6's stub says it returns
``object``, so the marked strings would not type as the ``str`` they are.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, message: str, /) -> str:
    """``message``, marked for translation in ``context`` (translated where it is shown)."""
    return message
