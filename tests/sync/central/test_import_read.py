"""The import reader on its own (no database): encodings detected over the whole file, and
nesting counted outside strings."""

from __future__ import annotations

import pytest

from sync.central.import_read import FileRefused, decode, json_problem, read, too_deep


def test_a_few_short_gbk_names_are_read_as_gb18030_not_big5():
    text, name, detected = decode("9,G9,牛奶,each,VAT13\n".encode("gbk"), None)
    assert (name, detected) == ("gb18030", True) and "牛奶" in text


def test_a_big5_file_with_enough_names_is_read_as_big5():
    data = "\n".join(f"{i},伊利純牛奶{i},全麥麵包,紅富士蘋果" for i in range(20)).encode("big5")
    text, name, _ = decode(data, None)
    assert name == "big5" and "全麥麵包" in text


def test_a_utf8_file_is_utf8_and_a_bom_is_not_text():
    text, name, detected = decode("\ufeffid,name_zh\n1,牛奶\n".encode("utf-8"), None)
    assert (name, detected) == ("utf-8", True) and text.startswith("id,")


def test_brackets_inside_strings_are_not_nesting():
    assert too_deep('[{"name": "' + "[" * 100 + '"}]') is None
    assert too_deep("[" * 40 + "]" * 40) == 32


def test_json_problem_names_a_repeated_key_and_deep_nesting():
    assert json_problem('{"a": 1, "a": 2}')[1] == "key 'a' appears twice in one object"
    assert json_problem("[" * 10_000 + "]" * 10_000)[1] == "nested deeper than 32 levels"
    assert json_problem('{"a": 1, "b": {"a": 2}}') is None  # the same key in two objects


def test_an_unknown_encoding_is_refused_with_the_ones_to_say():
    with pytest.raises(FileRefused, match="unknown encoding 'klingon'"):
        read(b"id\n1\n", "csv", encoding="klingon")
