"""Start the desktop till window: Qt application, theme, language. What the window works with
(the terminal, the sync engine, the printer) is built by the command line's composition root
(posclient/till_wiring.py)."""

from __future__ import annotations

import gc
import locale
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFontInfo, QIcon
from PySide6.QtWidgets import QApplication

from posclient.app.ports import EnrolmentPort, TokensFactory
from posclient.app.terminal import Terminal
from posclient.assets import resource_path

if TYPE_CHECKING:
    from .engine import EngineFactory, WindowEngine

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")

# Chinese characters in their Simplified Chinese shapes, in either language (names are Chinese):
# left to itself, fontconfig may take a Japanese CJK font for them. Latin text keeps the
# platform's font.
CHINESE_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                 "WenQuanYi Micro Hei")


TRANSLATOR = "posclient-translator"  # the object name of the translators we install


def system_language() -> str:
    """The system locale's language, as one of ours (Chinese or English)."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    return "zh_CN" if name.lower().startswith("zh") else "en"


def install_language(app: QApplication, lang: str) -> list[QTranslator]:
    """Our translations, and Qt's own for its standard buttons. English is the source text.
    Replaces the ones installed before (see :func:`switch_language`)."""
    for t in app.findChildren(QTranslator, TRANSLATOR):
        app.removeTranslator(t)
        t.deleteLater()
    loaded: list[QTranslator] = []
    if not lang.startswith("zh"):
        return loaded
    for folder, name in ((resource_path("i18n"), "posclient_zh_CN"),
                         (Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
                          "qtbase_zh_CN")):
        t = QTranslator(app)
        t.setObjectName(TRANSLATOR)
        if t.load(name, str(folder)):
            app.installTranslator(t)
            loaded.append(t)
        else:
            log.warning("translation %s not found in %s", name, folder)
    return loaded


def theme() -> str:
    return resource_path("theme", "till.qss").read_text(encoding="utf-8")


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("posclient")
    app.setOrganizationName("posclient")
    app.setStyleSheet(theme())
    app.setWindowIcon(QIcon(str(resource_path("icons", "posclient.svg"))))
    font = app.font()
    font.setFamilies([QFontInfo(font).family(), *CHINESE_FONTS])
    app.setFont(font)
    return app


def run_till(terminal: Terminal, *, lang: str | None = None,
             engine: WindowEngine | None = None, printer: Any = None,
             log_file: Path | None = None, make_engine: EngineFactory | None = None,
             enrolment: EnrolmentPort | None = None, tokens: TokensFactory | None = None,
             quit_after: float | None = None) -> int:
    """Open the till window and run until it is closed (or for ``quit_after`` seconds: the
    packaged build's smoke test). The sync side's ports: see :class:`MainWindow`."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("There is no display for the till window. Run it on the till's desktop, or use "
              "`posclient console` for the text till.", file=sys.stderr)
        return 1
    from .main_window import MainWindow

    app = make_app()
    lang = lang or system_language()
    install_language(app, lang)
    window = MainWindow(terminal, lang=lang, engine=engine, printer=printer,
                        make_engine=make_engine, enrolment=enrolment, tokens=tokens)
    window.log_file = log_file
    screen = app.primaryScreen()
    if screen is not None:  # a till's window fills its screen, with or without a window manager
        window.setGeometry(screen.availableGeometry())
    window.showMaximized()
    # What start-up built lives as long as the till: out of the garbage collector's way, so a
    # full collection never pauses the window for a heap it cannot free.
    gc.collect()
    gc.freeze()
    if engine is not None:
        engine.start()
    if quit_after is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(quit_after * 1000), app.quit)
    log.info("till window open (%s, %s)", app.platformName(), lang)
    try:
        return app.exec()
    finally:
        if engine is not None:
            engine.stop()


def terminal_language(terminal: Terminal, asked: str | None) -> str:
    """The command line's choice, else the till's setting, else the system's."""
    from posclient.app.terminal_config import TerminalConfig

    chosen = asked or TerminalConfig(terminal.store).get("language")
    if chosen:
        return "zh_CN" if str(chosen).startswith("zh") else "en"
    return system_language()
