"""Fixtures of the window tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from posclient.ui.app import install_language


@pytest.fixture
def speak(qapp: QApplication) -> Iterator[Callable[[str], None]]:
    """``speak("zh")``: the till's Chinese translation for this test (removed after it);
    ``speak("en")`` changes nothing (English is the source text)."""
    installed: list[QTranslator] = []

    def install(lang: str) -> None:
        if lang.startswith("zh"):
            installed.extend(install_language(qapp, "zh_CN"))

    yield install
    for t in installed:
        QApplication.removeTranslator(t)
