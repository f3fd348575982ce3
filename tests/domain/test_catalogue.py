"""The message catalogue: every message in both languages with the same parameters, typed
parameters written as the till writes them, and errors made from their message id."""

from __future__ import annotations

import re
from typing import Any

import pytest

from posclient.domain import catalogue
from posclient.domain.catalogue import params
from posclient.domain.errors import ApprovalRequired, InvalidInput, NotFound, PosError
from posclient.domain.money import Money

CJK = re.compile(r"[\u4e00-\u9fff]")
KIND = re.compile(r"\{(\w+)(?:!r)?(?::(\w+))?\}")


def test_every_message_has_both_languages_with_the_same_parameters():
    assert len(catalogue.ERRORS) > 200
    for message_id, (zh, en) in catalogue.MESSAGES.items():
        assert zh.strip() and en.strip(), message_id
        assert CJK.search(zh), f"{message_id}: {zh!r} is not Chinese"
        assert catalogue.params_of(zh) == catalogue.params_of(en), message_id
        assert set(KIND.findall(zh)) == set(KIND.findall(en)), f"{message_id}: kinds differ"
        assert all(k in params.KINDS for _, k in KIND.findall(en)), f"{message_id}: a kind?"
    for table in params.NAMED.values():
        assert all(zh.strip() and en.strip() for zh, en in table.values())
    assert all(CJK.search(zh) for zh in params.PHRASES.values())


def sample(message_id: str) -> dict[str, Any]:
    """A value for each parameter of the message, of the type its kind needs."""
    out: dict[str, Any] = {}
    for name, kind in KIND.findall(catalogue.text(message_id, "en")):
        if kind in ("price", "currency") or (kind == "" and name in AMOUNTS):
            out[name] = Money(123456, "CNY")
        elif kind in ("kg", "whole_kg"):
            out[name] = 52500
        elif kind == "product":
            out[name], out[f"{name}_zh"] = "Milk", "牛奶"
        elif kind in params.NAMED:
            out[name] = next(iter(params.NAMED[kind]))
        else:
            out.setdefault(name, f"<{name}>")
    return out


AMOUNTS = {"amount", "due", "left", "limit", "total", "balance", "tendered", "change", "note",
           "paid", "value"}


@pytest.mark.parametrize("message_id", sorted(catalogue.MESSAGES))
def test_every_message_renders_in_both_languages(message_id):
    values = sample(message_id)
    zh, en = catalogue.render(message_id, values, "zh_CN"), catalogue.render(message_id, values)
    assert "{" not in zh and "{" not in en, message_id
    assert CJK.search(zh)
    for name, value in values.items():
        if isinstance(value, str) and value.startswith("<"):
            assert value in zh and value in en, f"{message_id}: {name} lost"


def test_parameters_are_written_by_their_type():
    render = catalogue.render
    due = {"due": Money(123456, "CNY")}
    assert render("not_paid", due, "en") == "1234.56 is still due"
    assert render("not_paid", due, "zh_CN") == "尚欠 ¥1,234.56"
    price = {"price": Money(-1250, "CNY")}
    assert render("price_too_large", price) == (
        "Price -12.50 CNY is above the till's limit: check the amount")
    assert "-¥12.50" in render("price_too_large", price, "zh")
    weight = {"weight_g": 52500, "max_weight_g": 50999}
    assert render("qty_too_large.weight", weight).startswith(
        "Weight 52.5 kg is more than the 50 kg")
    milk = {"product": "Milk", "product_zh": "牛奶", "sku": "100001"}
    assert render("product_inactive", milk) == "Milk (100001) is no longer sold"
    assert render("product_inactive", milk, "zh").startswith("牛奶")
    no_english = {"product": "", "product_zh": "牛奶", "sku": "100001"}
    assert render("product_inactive", no_english) == "牛奶 (100001) is no longer sold"
    assert render("barcode_malformed.digits", {"barcode": "12"}).startswith("'12' is not")
    assert render("card_declined", {"reason": ""}) == (
        "Card declined: no reason given. Ask for another card or another way to pay.")
    assert render("card_declined", {"reason": "Already reversed"}, "zh").startswith(
        "银行卡被拒：已撤销过")
    assert render("approval_required", {"action": "void_sale", "min_role": "manager"},
                  "zh") == "整单作废需要店长授权"
    assert render("tender_over_due", {"kind": "exchange", "amount": Money(100, "CNY"),
                                      "due": Money(50, "CNY")}).startswith("exchange payment")
    assert render("denomination_unknown", {"value": Money(300, "CNY")}) == (
        "3.00 is not a CNY note or coin")
    assert params.money_zh(Money(5, "USD")) == "$0.05"
    assert params.money_zh(Money(1000, "JPY")) == "JPY 1,000"


def test_a_missing_parameter_or_id_is_refused():
    with pytest.raises(KeyError):
        catalogue.render("staff_unknown", {})
    with pytest.raises(KeyError):
        catalogue.render("no_such_message", {})
    with pytest.raises(TypeError):
        catalogue.render("denomination_unknown", {"value": 300})


def test_an_error_made_from_its_id_carries_it_and_reads_as_before():
    exc = NotFound.of("staff_unknown", staff_id=7)
    assert isinstance(exc, PosError)
    assert (str(exc), exc.code, exc.message_id, exc.details) == (
        "There is no staff member 7", "staff_unknown", "staff_unknown", {"staff_id": 7})
    assert catalogue.message_for(exc, "zh_CN") != str(exc)
    assert CJK.search(catalogue.message_for(exc, "zh_CN"))
    assert catalogue.message_for(exc, "en") == str(exc)
    variant = InvalidInput.of("reason_required.return")
    assert (variant.code, str(variant)) == ("reason_required", "Give a reason for the return")
    approval = ApprovalRequired.of("approval_required", action="void_sale", min_role="manager")
    assert (approval.action, approval.min_role, str(approval)) == (
        "void_sale", "manager", "Void sale needs a manager's approval")


def test_an_error_worded_at_its_raise_site_still_works():
    exc = InvalidInput("Something new", code="brand_new", x=1)
    assert (str(exc), exc.code, exc.message_id, exc.details) == (
        "Something new", "brand_new", None, {"x": 1})
    assert catalogue.message_for(exc, "zh_CN") == "Something new"
    assert catalogue.message_for(ValueError("plain"), "zh_CN") == "plain"
    with pytest.raises(TypeError):
        PosError()


def test_labels_and_sync_refusals_are_in_the_catalogue():
    assert catalogue.render("receipt.total", lang="zh") == "合计"
    assert catalogue.render("receipt.total", lang="en") == "TOTAL"
    assert catalogue.render("report.Z", lang="en") == "Z REPORT (end of day)"
    assert catalogue.render("display.thanks", lang="zh_CN") == "谢谢惠顾"
    assert catalogue.render("sync.deadline", {"seconds": 30}, "zh") == (
        "中心在 30 秒内没有答完：稍后自动重试")
    assert catalogue.has("receipt.cash") and not catalogue.has("receipt.exchange_open")


def test_a_sync_refusal_is_worded_in_either_language():
    describe = catalogue.describe_refusal
    assert describe("deadline", {"seconds": 30}, "zh_CN") == "中心在 30 秒内没有答完：稍后自动重试"
    assert describe("deadline", {"seconds": 30}, "en") == (
        "the central did not finish answering within 30 s: will retry")
    assert describe("cursor_back", {"cursor": 7, "next_after": 3}, "en") == (
        "the central's changes would move this till back (7 -> 3): refused, call IT")
    # no code or an unknown one: nothing (the English message is all there is)
    assert describe(None, {}, "zh") is None
    assert describe("", {}, "zh") is None
    assert describe("brand_new", {}, "zh") is None
    assert describe("staff_unknown", {"staff_id": 1}, "zh") is None  # an error, not a refusal
    # a detail missing: the words before it
    assert describe("snapshot_cut", {}, "zh") == "全量数据下载中断"
    assert describe("snapshot_cut", {}, "en") == "the full catalogue download broke off"
