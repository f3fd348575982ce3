#!/usr/bin/env bash
# Build the till's Debian package from the PyInstaller one-folder build.
#
#   bash packaging/build_deb.sh [DIST_DIR] [OUT_DIR]
#
# DIST_DIR: the PyInstaller output folder (default build/dist/posclient, see
# packaging/pyinstaller/posclient.spec); OUT_DIR: where the .deb goes (default build/).
# Prints the path of the .deb. Needs dpkg-deb (package dpkg, on every Debian/Ubuntu).
#
# Layout: /opt/posclient (the frozen till), /usr/bin/posclient (a wrapper),
# /usr/share/applications/posclient.desktop, the icon in the hicolor theme.
set -euo pipefail
cd "$(dirname "$0")/.."

DIST=${1:-build/dist/posclient}
OUT=${2:-build}
[ -x "$DIST/posclient" ] || { echo "build_deb: no PyInstaller build in $DIST" >&2; exit 1; }

VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
ARCH=$(dpkg --print-architecture)
# The frozen build needs at least the C library it was built against.
GLIBC=$(dpkg-query -W -f='${Version}' libc6 | sed 's/-.*//')
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/posclient

install -d "$ROOT/DEBIAN" "$ROOT/opt" "$ROOT/usr/bin" "$ROOT/usr/share/applications" \
  "$ROOT/usr/share/icons/hicolor/scalable/apps" "$ROOT/usr/share/doc/posclient"
cp -a "$DIST" "$ROOT/opt/posclient"
cat > "$ROOT/usr/bin/posclient" <<'WRAPPER'
#!/bin/sh
# posclient: the till (installed in /opt/posclient). `posclient --help` lists the commands.
exec /opt/posclient/posclient "$@"
WRAPPER
chmod 0755 "$ROOT/usr/bin/posclient"
install -m 0644 packaging/linux/posclient.desktop "$ROOT/usr/share/applications/"
install -m 0644 resources/icons/posclient.svg "$ROOT/usr/share/icons/hicolor/scalable/apps/"
install -m 0644 docs/deploy.md "$ROOT/usr/share/doc/posclient/deploy.md"
SIZE=$(du -sk "$ROOT/opt" | cut -f1)

# Qt's xcb libraries are in the bundle; the GL/EGL drivers, the keyring service and the fonts
# come from the system (Chinese names need a CJK font).
cat > "$ROOT/DEBIAN/control" <<CONTROL
Package: posclient
Version: $VERSION
Architecture: $ARCH
Maintainer: posclient IT <it@example.com>
Installed-Size: $SIZE
Section: misc
Priority: optional
Depends: libc6 (>= $GLIBC), libgl1, libegl1, libfontconfig1, libdbus-1-3, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-image0, libxcb-render-util0, libxcb-shape0, libxcb-randr0, libxcb-xinerama0, fonts-noto-cjk
Recommends: gnome-keyring
Description: posclient point-of-sale till (offline-first)
 The store till of posclient: sells offline, syncs with the central service,
 prints ESC/POS receipts. Set it up with "posclient enrol --server URL --code CODE"
 (or on its first start), then check it with "posclient doctor".
CONTROL
cat > "$ROOT/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 &&
    gtk-update-icon-cache -q /usr/share/icons/hicolor || true
fi
exit 0
POSTINST
chmod 0755 "$ROOT/DEBIAN/postinst"

mkdir -p "$OUT"
DEB="$OUT/posclient_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$ROOT" "$DEB" >/dev/null
echo "$DEB"
