"""The customer display's message is the store's, set at the central per store: it reaches the
store's till in the feed (another store's stays theirs), and the customer sees it in the till's
language, or in the other when only that one is set."""

from __future__ import annotations

from central_kit import enrolled_till

from posclient.app.customer_display import CustomerPresenter, pole_lines
from posclient.domain.clock import ManualClock
from posclient.store.db import Store
from posclient.store.settings import load_settings


def test_the_stores_message_reaches_its_till_and_its_customers(shop, tmp_path):
    shop.admin_post("/entities/store_settings", {"records": [
        {"store_id": "S1", "store_name_zh": "人民路店", "store_name_en": "Renmin Rd",
         "customer_display_message_zh": "本周会员积分双倍",
         "customer_display_message_en": "Double points for members this week",
         "customer_display_bilingual": True},
        {"store_id": "S2", "store_name_zh": "南京路店", "store_name_en": "Nanjing Rd",
         "customer_display_message_en": "Nanjing Rd only"}]})
    path, clock = tmp_path / "till.db", ManualClock()
    enrolled_till(shop, path, clock=clock, timeout=5).run_once()
    store = Store.open(path)
    try:
        settings = load_settings(store.conn)
    finally:
        store.close()
    assert settings.customer_display_message_zh == "本周会员积分双倍"
    assert settings.customer_display_bilingual is True
    zh = CustomerPresenter(settings, "zh_CN").view(None)
    en = CustomerPresenter(settings, "en").view(None)
    assert (zh.state, zh.store_name, zh.message) == ("welcome", "人民路店", "本周会员积分双倍")
    assert (en.store_name, en.message) == ("Renmin Rd", "Double points for members this week")
    assert pole_lines(zh) == (("人民路店", ""), ("本周会员积分双倍", ""))
    assert "Nanjing Rd only" not in (zh.message, en.message)
