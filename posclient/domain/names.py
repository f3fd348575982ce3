"""Names in two languages: the one asked for, else the other (a product's English name is
optional: a Chinese-only catalogue shows its Chinese names on an English till)."""

from __future__ import annotations


def local_name(name_zh: str, name_en: str, lang: str) -> str:
    """``name_zh`` for a ``zh*`` language, else ``name_en``; the other when that one is empty."""
    if lang.startswith("zh"):
        return name_zh or name_en
    return name_en or name_zh
