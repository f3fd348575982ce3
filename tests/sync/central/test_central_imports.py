"""``posclient-central import`` with the files IT really has: cut off, in GBK, nested, with
duplicated keys or columns, mistyped barcodes, Chinese-only names and prices in yuan.

A file is read and checked whole before anything is written; by default a file with any error
writes nothing and lists every error by line; ``--partial`` loads the good rows.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from sync.central.cli import main
from sync.central.db import make_engine
from sync.central.schema import entities

TAX = [{"code": "VAT13", "rate_ppm": 130000, "name_zh": "增值税13%"}]
HEADER = "id,sku,name_zh,name_en,measure,tax_code,barcodes\n"


@pytest.fixture
def db(database_url, tmp_path, capsys, monkeypatch):
    """An initialised central with store S1 and the VAT13 tax rate."""
    monkeypatch.delenv("POSCLIENT_CENTRAL_ADMIN_TOKEN", raising=False)
    assert main(["--database", database_url, "init"]) == 0
    assert main(["--database", database_url, "create-store", "S1", "--name-en", "One"]) == 0
    tax = tmp_path / "tax.json"
    tax.write_text(json.dumps(TAX), encoding="utf-8")
    assert main(["--database", database_url, "import", str(tax), "--kind", "tax_rate"]) == 0
    capsys.readouterr()
    return database_url


def _stored(db: str, entity: str) -> dict[str, dict]:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return {k: json.loads(d) for k, d in conn.execute(
                select(entities.c.key, entities.c.data).where(entities.c.entity == entity))}
    finally:
        engine.dispose()


def _count(db: str, entity: str) -> int:
    engine = make_engine(db)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(entities)
                                   .where(entities.c.entity == entity)) or 0)
    finally:
        engine.dispose()


def _import(db: str, path, kind: str, *extra: str) -> int:
    return main(["--database", db, "import", str(path), "--kind", kind, *extra])


# -- the whole file first ---------------------------------------------------------------------

def test_a_truncated_json_file_writes_nothing_and_says_where_it_ends(db, tmp_path, capsys):
    whole = json.dumps([{"id": i, "member_no": f"M{i}", "name": f"会员{i}"} for i in (1, 2, 3)],
                       ensure_ascii=False, indent=1)
    path = tmp_path / "members.json"
    path.write_text(whole[: whole.index('"M3"')], encoding="utf-8")  # cut in the third object
    assert _import(db, path, "member") == 1
    err = capsys.readouterr().err
    assert re.search(r"line \d+: the file ends", err), err
    assert "nothing was written" in err.lower()
    assert _count(db, "member") == 0


def test_a_file_with_bad_rows_writes_nothing_and_lists_every_error_by_line(db, tmp_path,
                                                                          capsys):
    path = tmp_path / "products.csv"
    path.write_text(HEADER + "1,A1,牛奶,Milk,each,VAT13,6901234567892\n"
                             "2,A2,面包,Bread,litre,VAT13,\n"
                             "3,A3,米,Rice,each,NOPE,\n"
                             "4,A4,茶,Tea,each,VAT13,\n", encoding="utf-8")
    assert _import(db, path, "product") == 1
    captured = capsys.readouterr()
    assert re.search(r"line 3, measure: ", captured.err)
    assert "line 4, tax_code: 'NOPE': no such tax rate" in captured.err
    assert "nothing was written" in captured.err.lower()
    assert _count(db, "product") == 0
    # --partial: the good rows load, the bad ones are reported.
    assert _import(db, path, "product", "--partial") == 1
    captured = capsys.readouterr()
    assert "4 rows read, 2 loaded, 0 unchanged, 2 rejected" in captured.out
    assert set(_stored(db, "product")) == {"1", "4"}


def test_a_product_given_twice_in_one_big_file_is_refused_not_last_one_winning(db, tmp_path,
                                                                              capsys):
    rows = [f"{i},S{i},商品{i},Item {i},each,VAT13," for i in range(1, 6002)]
    rows.append("17,OTHER,又一个,Another,each,VAT13,")  # id 17 again, thousands of rows later
    path = tmp_path / "products.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert _import(db, path, "product") == 1
    assert "line 6003, id: product 17 is given twice (first at line 18)" in \
        capsys.readouterr().err
    assert _count(db, "product") == 0


# -- encodings ----------------------------------------------------------------------------------

def _gbk_products(tmp_path):
    rows = [f"{i},S{i},item{i},Item {i},each,VAT13," for i in range(1, 6001)]
    rows += [f"{i},S{i},牛奶{i},,each,VAT13," for i in range(6001, 6011)]  # line 6002 on
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode("gbk"))
    return path


def test_a_gbk_csv_loads_whole_when_its_encoding_is_declared(db, tmp_path, capsys):
    assert _import(db, _gbk_products(tmp_path), "product", "--encoding", "gbk") == 0
    assert "6,010 rows read, 6,010 loaded" in capsys.readouterr().out
    assert _stored(db, "product")["6010"]["name_zh"] == "牛奶6010"


def test_a_gbk_csv_is_detected_over_the_whole_file_when_not_declared(db, tmp_path, capsys):
    assert _import(db, _gbk_products(tmp_path), "product") == 0
    out = capsys.readouterr().out
    assert re.search(r"read as (gbk|gb2312|gb18030) \(detected", out), out
    assert _stored(db, "product")["6005"]["name_zh"] == "牛奶6005"


def test_a_gbk_csv_declared_utf8_is_refused_at_its_right_line(db, tmp_path, capsys):
    assert _import(db, _gbk_products(tmp_path), "product", "--encoding", "utf-8") == 1
    err = capsys.readouterr().err
    assert "line 6002: not utf-8 text" in err, err
    assert "--encoding" in err
    assert _count(db, "product") == 0


# -- nesting and duplicates --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_ten_thousand_nesting_levels_are_refused_with_a_message(db, tmp_path, capsys, name):
    deep = '{"id": 1, "member_no": "M1", "name": "x", "extra": ' + "[" * 10_000 + \
        "]" * 10_000 + "}"
    path = tmp_path / name
    path.write_text(f"[{deep}]" if name.endswith(".json") else deep + "\n", encoding="utf-8")
    assert _import(db, path, "member") == 1
    err = capsys.readouterr().err
    assert re.search(r"line 1: nested deeper than \d+ levels", err), err
    assert "Traceback" not in err and _count(db, "member") == 0


def test_a_json_key_given_twice_in_one_object_is_refused(db, tmp_path, capsys):
    path = tmp_path / "members.json"
    path.write_text('[\n {"id": 1, "member_no": "M1", "name": "王芳"},\n'
                    ' {"id": 2, "member_no": "M2",\n  "name": "李娜", "name": "张伟"}\n]',
                    encoding="utf-8")
    assert _import(db, path, "member") == 1
    assert "line 4: key 'name' appears twice in one object" in capsys.readouterr().err
    assert _count(db, "member") == 0


def test_a_csv_column_given_twice_is_refused(db, tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text("id,sku,name_zh,measure,tax_code,name_zh\n1,A1,牛奶,each,VAT13,酸奶\n",
                    encoding="utf-8")
    assert _import(db, path, "product") == 1
    assert "line 1: column 'name_zh' appears twice (columns 3 and 6)" in \
        capsys.readouterr().err
    assert _count(db, "product") == 0


# -- what a row holds ---------------------------------------------------------------------------

def test_a_barcode_with_a_wrong_check_digit_is_refused(db, tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text(HEADER + "1,A1,牛奶,Milk,each,VAT13,6901234567893\n", encoding="utf-8")
    assert _import(db, path, "product") == 1
    assert "line 2, barcodes: 6901234567893 fails its check digit (the last digit would " \
           "be 2)" in capsys.readouterr().err
    assert _count(db, "product") == 0


def test_a_chinese_only_product_needs_no_english_name(db, tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text("id,sku,name_zh,measure,tax_code\n1,A1,牛奶,each,VAT13\n",
                    encoding="utf-8")
    assert _import(db, path, "product") == 0, capsys.readouterr().err
    assert _stored(db, "product")["1"]["name_en"] == ""


def test_a_price_in_yuan_is_refused_naming_the_unit_unless_amounts_are_yuan(db, tmp_path,
                                                                           capsys):
    products = tmp_path / "products.csv"
    products.write_text(HEADER + "1,A1,牛奶,Milk,each,VAT13,\n", encoding="utf-8")
    assert _import(db, products, "product") == 0
    prices = tmp_path / "prices.csv"
    prices.write_text("id,product_id,amount\n1,1,3.50\n", encoding="utf-8")
    capsys.readouterr()
    assert _import(db, prices, "price") == 1
    assert "line 2, amount: 3.50 is not in fen (whole numbers); use --amounts yuan for " \
           "prices like 3.50" in capsys.readouterr().err
    assert _count(db, "price") == 0
    assert _import(db, prices, "price", "--amounts", "yuan") == 0
    assert _stored(db, "price")["1"]["amount"] == 350
    prices.write_text("id,product_id,amount\n1,1,3.505\n", encoding="utf-8")
    assert _import(db, prices, "price", "--amounts", "yuan") == 1
    assert "line 2, amount: 3.505 is not in yuan with at most two decimals" in \
        capsys.readouterr().err
    assert _stored(db, "price")["1"]["amount"] == 350


def test_amounts_in_json_follow_the_same_unit(db, tmp_path, capsys):
    products = tmp_path / "products.csv"
    products.write_text(HEADER + "1,A1,牛奶,Milk,each,VAT13,\n", encoding="utf-8")
    assert _import(db, products, "product") == 0
    prices = tmp_path / "prices.json"
    prices.write_text('[{"id": 1, "product_id": 1, "amount": 3.5}]', encoding="utf-8")
    assert _import(db, prices, "price") == 1
    assert "amount: 3.5 is not in fen" in capsys.readouterr().err
    assert _import(db, prices, "price", "--amounts", "yuan") == 0
    assert _stored(db, "price")["1"]["amount"] == 350


# -- bounds ---------------------------------------------------------------------------------------

def test_a_cell_too_long_is_refused_by_line_and_column_and_too_many_rows_refuse_the_file(
        db, tmp_path, capsys, monkeypatch):
    path = tmp_path / "products.csv"
    path.write_text(HEADER + "1,A1,牛奶,Milk,each,VAT13,\n"
                    f"2,A2,{'面' * 10_001},Bread,each,VAT13,\n", encoding="utf-8")
    assert _import(db, path, "product") == 1
    assert "line 3, name_zh: 10,001 characters, at most 10,000" in capsys.readouterr().err
    assert _count(db, "product") == 0
    monkeypatch.setattr("sync.central.import_read.MAX_ROWS", 3)
    path.write_text(HEADER + "".join(f"{i},A{i},货{i},,each,VAT13,\n" for i in range(1, 5)),
                    encoding="utf-8")
    assert _import(db, path, "product", "--partial") == 1
    assert "line 1: 4 records, more than an import takes (3): split the file" in \
        capsys.readouterr().err
    assert _count(db, "product") == 0


def test_a_file_in_utf8_with_excel_bom_and_a_declared_encoding_loads(db, tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_bytes(("\ufeff" + HEADER + "1,A1,牛奶,Milk,each,VAT13,\n").encode("utf-8"))
    assert _import(db, path, "products", "--encoding", "utf-8") == 0
    assert "read as utf-8 (declared)" in capsys.readouterr().out
    assert _stored(db, "product")["1"]["name_zh"] == "牛奶"
