"""When Qt cannot open the window, the till says why and what to install (Qt alone aborts,
blaming libxcb-cursor0 while libxcb-icccm4 and libxcb-keysyms1 are what is missing)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from posclient.ui import platform_check

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd5b7f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0c0e600000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f0c0e5f0000)
\tlibxcb-icccm.so.4 => not found
\tlibfoo-unknown.so.3 => not found
"""


def test_ldd_output_gives_each_missing_library_once_and_its_package():
    missing = platform_check.missing_in_ldd(LDD_OUTPUT)
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libfoo-unknown.so.3"]
    assert platform_check.packages_for(missing) == ["libxcb-icccm4", "libxcb-keysyms1",
                                                    "libfoo-unknown.so.3"]


def test_an_import_error_names_its_library():
    err = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert platform_check.library_of(err) == "libEGL.so.1"
    assert "sudo apt install libegl1" in platform_check.install_hint(["libEGL.so.1"])


def till(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "posclient", "--db", str(tmp_path / "t.db"),
                           "till", "--demo"], capture_output=True, text=True, timeout=60,
                          env={**clean, **env})


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 checks are Linux's")
def test_no_display_is_said_plainly_and_nothing_is_built(tmp_path):
    done = till(tmp_path)
    assert done.returncode == 1, done.stderr  # not Qt's abort (a negative signal number)
    assert "no display" in done.stderr and "posclient console" in done.stderr
    assert not (tmp_path / "t.db").exists()  # the demo's PINs are not printed and lost


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 checks are Linux's")
def test_missing_x11_libraries_are_named_with_their_packages(tmp_path):
    plugin = platform_check.xcb_plugin()
    missing = platform_check.missing_libraries(plugin) if plugin else []
    if not missing:
        pytest.skip("every library of Qt's X11 plugin is installed on this machine")
    done = till(tmp_path, DISPLAY=":77")  # never reached: the check comes first
    assert done.returncode == 1, done.stderr
    assert "sudo apt install " + " ".join(platform_check.packages_for(missing)) in done.stderr
    assert "libxcb-cursor0" not in done.stderr or "libxcb-cursor.so.0" in missing
