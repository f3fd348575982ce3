"""Before the window starts: can Qt open one here? Qt itself cannot say so usefully. When its
X11 platform plugin lacks a library, it aborts the process naming only ``libxcb-cursor0`` (a
guess), and with no display at all it aborts too. This module asks first, without starting Qt:
which shared libraries the plugin cannot load (``ldd``), and which Debian/Ubuntu packages hold
them, so the till can say exactly what to install.

Imports nothing of Qt's widgets: it runs before the application is made.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# The libraries Qt's xcb plugin and its Qt6XcbQpa need, and the packages (Debian, Ubuntu) that
# ship them.
PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.M)
_SONAME = re.compile(r"(lib[\w.+-]+\.so(?:\.\d+)*)")


def missing_in_ldd(output: str) -> list[str]:
    """The libraries ``ldd`` could not find, each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def packages_for(libraries: list[str]) -> list[str]:
    """The packages to install for these libraries (a library we do not know: its own name)."""
    return list(dict.fromkeys(PACKAGES.get(lib, lib) for lib in libraries))


def xcb_plugin() -> Path | None:
    """Qt's X11 platform plugin as installed with PySide6 (frozen builds included)."""
    try:
        import PySide6
    except ImportError:
        return None
    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None


def missing_libraries(plugin: Path) -> list[str]:
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return missing_in_ldd(done.stdout)


def library_of(error: BaseException) -> str | None:
    """The shared library an ImportError could not load ("libEGL.so.1: cannot open ...")."""
    found = _SONAME.search(str(error))
    return found.group(1) if found else None


def install_hint(libraries: list[str]) -> str:
    packages = " ".join(packages_for(libraries))
    return f"sudo apt install {packages}   (Debian, Ubuntu; other systems: the same libraries)"


def window_problem() -> str | None:
    """Why the till window cannot open on this machine, in words with the fix; None if it can
    (or if this platform is not one we can check: Qt then says for itself)."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, ...: chosen on purpose
    if not os.environ.get("DISPLAY") and not platform:
        if os.environ.get("WAYLAND_DISPLAY"):
            return None
        return ("There is no display to open the till window on (DISPLAY is not set). Start it "
                "from the desktop session, or use the text till: posclient console.")
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if not missing:
        return None
    return (f"The till window cannot start: the system libraries {', '.join(missing)} are "
            f"missing. Install them with: {install_hint(missing)}. Meanwhile the text till "
            "works: posclient console.")
