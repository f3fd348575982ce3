"""The customer display's screenshots: docs/screenshots/{en,zh}-customer-display.png.

    python tools/customer_display_shot.py                  # both languages, 1920x1080
    python tools/customer_display_shot.py --lang zh --out /tmp/shots --size 1024x768

Offscreen (no display needed; fonts-noto-cjk for the Chinese): a small demo store in a temporary
folder (tools/screenshots.py ``build_store``), the real till window with its customer display on
a screen, a cashier logged in who scans four items and attaches a member; the customer's window
is grabbed with ``QWidget.grab()``. :func:`shoot_customer_display` is the function to call from
other tools.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tools"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from screenshots import CASHIER, LANGS, OUT, PINS, build_store  # noqa: E402

MESSAGE_ZH = "会员本周积分双倍 · 扫码关注领券"
MESSAGE_EN = "Double points for members this week"


def shoot_customer_display(app, db: Path, lang: str, out: Path, prefix: str,
                           size: tuple[int, int] = (1920, 1080)) -> Path:
    """The customer's screen in the middle of a sale (``app``: the QApplication; ``db``: a demo
    till database, changed by the sale). Returns the PNG written."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from posclient.app.members import Members
    from posclient.app.terminal import Terminal
    from posclient.app.terminal_config import TerminalConfig
    from posclient.devices.payment import SimulatedPaymentTerminal
    from posclient.store.db import Store
    from posclient.store.settings import load_settings, save_settings
    from posclient.ui.app import install_language
    from posclient.ui.customer_display import screen_key
    from posclient.ui.main_window import MainWindow

    translators = install_language(app, lang)
    store = Store.open(db)
    with store.write() as conn:
        save_settings(conn, replace(load_settings(conn), customer_display_message_zh=MESSAGE_ZH,
                                    customer_display_message_en=MESSAGE_EN))
    TerminalConfig(store).provision("customer_display", {
        "kind": "screen", "screen": screen_key(app.primaryScreen())})
    codes = [str(code).zfill(13) for (code,) in store.conn.execute(
        "SELECT min(b.gtin) FROM barcodes b JOIN products p ON p.id = b.product_id "
        "JOIN prices r ON r.product_id = p.id WHERE p.measure = 'each' AND p.active "
        "AND b.gtin > 99999999 AND p.category IN ('DA', 'SN', 'BV', 'GO') GROUP BY p.id "
        "ORDER BY p.id LIMIT 4")]
    member = store.conn.execute("SELECT member_no FROM members WHERE phone_hash IS NOT NULL "
                                "AND name_masked != '' AND points > 0 ORDER BY id LIMIT 1"
                                ).fetchone()
    window = MainWindow(Terminal(store, payments=SimulatedPaymentTerminal()), lang=lang)
    try:
        window.resize(1366, 768)
        window.show()
        page = window.login_page
        for field, text in ((page.staff_id, str(CASHIER)), (page.pin, PINS[CASHIER])):
            QTest.keyClicks(field, text)
            QTest.keyClick(field, Qt.Key.Key_Return)
        sell = window.sell_page
        for n, code in enumerate(codes):
            QTest.keyClicks(sell.scan_field, code if n else f"{code}*2")
            QTest.keyClick(sell.scan_field, Qt.Key.Key_Return)
        co = window.checkout
        if member is not None and co is not None:
            co.attach_member(Members(store, co.clock, co.settings).find(member[0]))
            sell.refresh()
        shown = window.customer.screen_window
        if shown is None:
            raise RuntimeError(f"no customer window: {window.customer.problem}")
        shown.showNormal()
        shown.resize(*size)
        QTest.qWait(200)
        path = out / f"{prefix}-customer-display.png"
        if not shown.grab().save(str(path), "PNG"):
            raise RuntimeError(f"cannot write {path}")
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  {path.stat().st_size // 1024} KB")
        return path
    finally:
        window.close()
        window.deleteLater()
        store.close()
        for t in translators:
            QApplication.removeTranslator(t)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=sorted(LANGS), action="append",
                        help="only this language (repeatable); default: both")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    parser.add_argument("--size", default="1920x1080", help="the customer's screen, WxH")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="posclient-customer-display-") as tmp:
        from posclient.ui.app import make_app

        template, _codes = build_store(Path(tmp))
        app = make_app([sys.argv[0]])
        for prefix in args.lang or sorted(LANGS):
            db = Path(tmp) / f"{prefix}.db"
            shutil.copyfile(template, db)
            shoot_customer_display(app, db, LANGS[prefix], args.out, prefix,
                                   (int(width), int(height)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
