"""Product name search: the indexed text and the query built from what a person types.

The FTS5 table ``product_search`` (unicode61 tokenizer) indexes a derived text in which every
CJK character stands alone as a token. A Chinese query becomes a *phrase* of its characters, so
any substring of a name is found, including one or two characters, which the trigram tokenizer
cannot match. Latin words are tokens as usual and are matched by prefix ("mil" finds "Milk").

Every token of the query is double-quoted, so whatever a person types (quotes, ``*``, ``AND``,
``NEAR(``, brackets, emoji) can never raise an FTS5 syntax error.
"""

from __future__ import annotations

import re

# CJK Unified Ideographs (+ Extension A), CJK compatibility ideographs, kana, hangul syllables.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_CJK_CHAR = re.compile(f"([{_CJK}])")
# A query term: a run of CJK characters, or a run of letters/digits.
_TERM = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+", re.UNICODE)
_CJK_RUN = re.compile(f"^[{_CJK}]+$")
MAX_QUERY_TERMS = 8


def search_text(*fields: str) -> str:
    """The text indexed for a product: its names (and brand), CJK characters spaced apart."""
    joined = " ".join(f for f in fields if f)
    return _CJK_CHAR.sub(r" \1 ", joined).lower()


def fts_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression for ``user_text``, or None when it holds nothing searchable.

    ``"牛奶"`` -> ``"牛 奶"`` (phrase), ``"whole mi"`` -> ``"whole"* AND "mi"*``.
    """
    terms = _TERM.findall(user_text.lower())[:MAX_QUERY_TERMS]
    parts = []
    for term in terms:
        if _CJK_RUN.match(term):
            parts.append('"' + " ".join(term) + '"')
        else:
            parts.append(f'"{term}"*')
    return " AND ".join(parts) if parts else None
