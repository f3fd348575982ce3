"""Product name search: the indexed text and the FTS5 query built from whatever a person types."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import posclient.store
from posclient.store.search import MAX_QUERY_TERMS, fts_query, search_text

FAST = settings(max_examples=200, deadline=None)
MIGRATION = Path(posclient.store.__file__).parent / "migrations" / "0001_initial.sql"


def product_search_ddl() -> str:
    """The CREATE statement of ``product_search`` exactly as the first migration has it."""
    sql = MIGRATION.read_text(encoding="utf-8")
    match = re.search(r"CREATE VIRTUAL TABLE product_search\b.*?\);", sql, re.S | re.I)
    assert match, "product_search is no longer created by 0001_initial.sql"
    return match.group(0)


DDL = product_search_ddl()

PRODUCTS = {
    1: ("纯牛奶", "Pure Milk"),
    2: ("酸奶", "Yogurt"),
    3: ("牛肉干", "Beef Jerky"),
    4: ("全脂牛奶", "Whole Milk"),
    5: ("可口可乐", "Coca-Cola"),
    6: ("巧克力", "Milky Way"),
    7: ("拿铁", "Café Latte"),
}


def new_index() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(DDL)
    return db


def index(db: sqlite3.Connection, products: dict[int, tuple[str, ...]]) -> None:
    db.executemany(
        "INSERT INTO product_search (rowid, text) VALUES (?, ?)",
        [(rowid, search_text(*names)) for rowid, names in products.items()],
    )


def find(db: sqlite3.Connection, user_text: str) -> set[int]:
    query = fts_query(user_text)
    if query is None:
        return set()
    rows = db.execute("SELECT rowid FROM product_search WHERE product_search MATCH ?", (query,))
    return {r[0] for r in rows}


@pytest.fixture
def catalogue() -> Iterator[sqlite3.Connection]:
    db = new_index()
    index(db, PRODUCTS)
    yield db
    db.close()


# -- search_text ----------------------------------------------------------------------------------

def test_search_text_spaces_cjk_characters_and_lowercases() -> None:
    text = search_text("纯牛奶", "Pure Milk")
    assert text.split() == ["纯", "牛", "奶", "pure", "milk"]
    assert text == text.lower()
    assert re.search(r"\S[纯牛奶]|[纯牛奶]\S", text) is None  # every CJK character stands alone


def test_search_text_spaces_kana_and_hangul_too() -> None:
    assert search_text("ミルク").split() == ["ミ", "ル", "ク"]
    assert search_text("우유").split() == ["우", "유"]


def test_search_text_skips_empty_fields_and_keeps_latin_words() -> None:
    assert search_text("", "Whole Milk", "") == "whole milk"
    assert search_text("Coca-Cola") == "coca-cola"
    assert search_text() == ""


def test_search_text_splits_cjk_glued_to_latin() -> None:
    assert search_text("蒙牛Milk").split() == ["蒙", "牛", "milk"]


# -- fts_query ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("user_text", "query"),
    [
        ("牛奶", '"牛 奶"'),
        ("奶", '"奶"'),
        ("whole mi", '"whole"* AND "mi"*'),
        ("Pure MILK", '"pure"* AND "milk"*'),
        ("牛奶 mil", '"牛 奶" AND "mil"*'),
        ("牛奶mil", '"牛 奶" AND "mil"*'),
        ("  牛 奶  ", '"牛" AND "奶"'),
        ("coca-cola", '"coca"* AND "cola"*'),
        ("snake_case", '"snake"* AND "case"*'),
        ("AND OR NOT", '"and"* AND "or"* AND "not"*'),
        ('NEAR("a" b)', '"near"* AND "a"* AND "b"*'),
        ("1.5L", '"1"* AND "5l"*'),
    ],
)
def test_fts_query(user_text: str, query: str) -> None:
    assert fts_query(user_text) == query


@pytest.mark.parametrize("user_text", ["", "   ", "!!!", '"', '"*()^:', "_", "——", "。，", "\t\n"])
def test_nothing_searchable_gives_no_query(user_text: str) -> None:
    assert fts_query(user_text) is None


def test_a_long_query_keeps_only_the_first_terms() -> None:
    query = fts_query(" ".join(f"w{i}" for i in range(20)))
    assert query is not None
    assert query.count(" AND ") == MAX_QUERY_TERMS - 1
    assert query.startswith('"w0"*') and query.endswith(f'"w{MAX_QUERY_TERMS - 1}"*')


# -- against a real FTS5 table --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("user_text", "rowids"),
    [
        ("牛奶", {1, 4}),
        ("奶", {1, 2, 4}),
        ("牛", {1, 3, 4}),
        ("纯牛奶", {1}),
        ("奶牛", set()),  # characters in order, as a phrase
        ("可乐", {5}),
        ("mil", {1, 4, 6}),
        ("milk", {1, 4, 6}),
        ("MILK", {1, 4, 6}),
        ("pure mi", {1}),
        ("milk 全", {4}),
        ("牛奶 whole", {4}),
        ("coca cola", {5}),
        ("ilk", set()),  # Latin words match by prefix, not infix
        ("cafe", {7}),
        ("café", {7}),
        ("yogurt 牛", set()),
    ],
)
def test_substring_search_finds_what_it_should(
    catalogue: sqlite3.Connection, user_text: str, rowids: set[int]
) -> None:
    assert find(catalogue, user_text) == rowids


nasty_text = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list('"*()^:+-{}[]. _\\\'牛奶aAnNdDoOrR\u3000\x00'))),
    st.lists(st.sampled_from(["AND", "OR", "NOT", "NEAR(", ")", '"', "*", "^", "col:", "牛奶",
                              "mil", "-", "+"]), max_size=10).map(" ".join),
)


@FAST
@given(nasty_text)
def test_any_typed_text_gives_no_query_or_a_valid_one(user_text: str) -> None:
    query = fts_query(user_text)
    if query is None:
        return
    db = new_index()
    try:
        index(db, PRODUCTS)
        db.execute("SELECT rowid FROM product_search WHERE product_search MATCH ?",
                   (query,)).fetchall()
    finally:
        db.close()


@FAST
@given(st.text(max_size=60))
def test_any_name_can_be_indexed(name: str) -> None:
    db = new_index()
    try:
        index(db, {1: (name,)})
    finally:
        db.close()


# Names as shops write them: Latin letters (with accents), digits, punctuation, Chinese, kana.
REALISTIC_NAMES = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from(list("éèüñçÅø×·—（）【】《》，。")),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.characters(min_codepoint=0x30A1, max_codepoint=0x30F6),
    ),
    max_size=40,
)


@FAST
@given(REALISTIC_NAMES)
def test_every_word_of_a_name_finds_it(name: str) -> None:
    db = new_index()
    try:
        index(db, {1: (name,)})
        for word in name.split()[:4]:
            if fts_query(word) is not None:
                assert find(db, word) == {1}, word
    finally:
        db.close()


CJK_NAMES = st.text(alphabet=st.sampled_from(list("纯牛奶酸全脂可口乐巧克力拿铁蒙伊利")),
                    min_size=1, max_size=8)


@FAST
@given(CJK_NAMES, st.data())
def test_every_substring_of_a_chinese_name_finds_it(name: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(name) - 1))
    end = data.draw(st.integers(start + 1, len(name)))
    db = new_index()
    try:
        index(db, {1: (name, "Brand")})
        assert find(db, name[start:end]) == {1}
    finally:
        db.close()


@FAST
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), st.data())
def test_every_prefix_of_a_latin_word_finds_it(word: str, data: st.DataObject) -> None:
    end = data.draw(st.integers(1, len(word)))
    db = new_index()
    try:
        index(db, {1: ("牛奶", f"Brand {word.capitalize()}")})
        assert find(db, word[:end].upper()) == {1}
    finally:
        db.close()
