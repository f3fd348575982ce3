#!/usr/bin/env bash
# CI's proof of the Linux package: build it, install it into a clean folder, and run the
# INSTALLED till (not the source tree) against a central on 127.0.0.1.
#
#   bash packaging/smoke_test.sh          # from the repository root, after the tests
#
# 1. PyInstaller one-folder build (packaging/pyinstaller/posclient.spec), then the .deb
#    (packaging/build_deb.sh);
# 2. the .deb unpacked with dpkg-deb -x into a temporary root (nothing installed system-wide),
#    and run from there with a clean environment: its own HOME, no virtualenv on PATH, no
#    PYTHONPATH, working directory outside the checkout;
# 3. the installed till opens its window offscreen on demo data, then closes (--quit-after),
#    and `posclient self-test` opens every screen of it once (the reconciliation's charts
#    included: a module left out of the build fails there);
# 4. a central (posclient-central from the source venv: the server side is not packaged here)
#    gets a store, a cashier and an enrolment code, and serves on 127.0.0.1;
# 5. the installed till enrols, syncs, sells one item, syncs again; `posclient doctor` runs;
# 6. the central must hold that sale (its receipt number, in its database).
#
# Needs: the .venv of the README's test command, dpkg-deb, and PyPI for pyinstaller.
# SMOKE_REUSE_BUILD=1 skips the PyInstaller step when build/dist/posclient exists (local runs).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY=$REPO/.venv/bin/python
SECONDS=0
step() { echo "smoke [${SECONDS}s]: $*"; }

if [ "${SMOKE_REUSE_BUILD:-}" = 1 ] && [ -x build/dist/posclient/posclient ]; then
  step "reusing build/dist/posclient (SMOKE_REUSE_BUILD=1)"
  build_s=0
else
  step "installing the build tools (the package extra)"
  "$PY" -m pip install -q -e '.[gui,package]'
  step "PyInstaller one-folder build"
  t0=$SECONDS
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath build/dist \
    --workpath build/pyinstaller packaging/pyinstaller/posclient.spec
  build_s=$((SECONDS - t0))
fi
t0=$SECONDS
DEB=$(bash packaging/build_deb.sh build/dist/posclient build)
deb_s=$((SECONDS - t0))
step "built $DEB ($(du -h "$DEB" | cut -f1); PyInstaller ${build_s}s, .deb ${deb_s}s)"

WORK=$(mktemp -d)
CENTRAL_PID=
cleanup() {
  if [ -n "$CENTRAL_PID" ]; then kill "$CENTRAL_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# (to files: grep -q stops reading early, and pipefail would take that for a failure)
dpkg-deb -I "$DEB" > "$WORK/info.txt"
dpkg-deb -c "$DEB" > "$WORK/contents.txt"
grep -q "Package: posclient" "$WORK/info.txt"
grep -q "./usr/share/applications/posclient.desktop" "$WORK/contents.txt"
dpkg-deb -x "$DEB" "$WORK/root"
APP=$WORK/root/opt/posclient/posclient
grep -q 'exec /opt/posclient/posclient' "$WORK/root/usr/bin/posclient"
[ -f "$WORK/root/usr/share/icons/hicolor/scalable/apps/posclient.svg" ]
step "unpacked into $WORK/root"

# The installed till runs with nothing of the checkout or the venv around it.
mkdir -p "$WORK/home" "$WORK/run"
cd "$WORK/run"
till() {
  env -i HOME="$WORK/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
    XDG_RUNTIME_DIR="$WORK/home" QT_QPA_PLATFORM=offscreen \
    POSCLIENT_DB="${TILL_DB:-$WORK/home/till.db}" \
    PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring \
    "$APP" "$@"
}

step "installed till: version, and the window on demo data (offscreen)"
till --version > "$WORK/version.txt"
grep -q "posclient " "$WORK/version.txt"
TILL_DB=$WORK/home/demo.db till till --demo --products 300 --members 20 --quit-after 2 \
  > "$WORK/till.out" 2>&1 || { cat "$WORK/till.out"; exit 1; }
grep -q "open for 2 s and closed (exit 0)" "$WORK/till.out"
till self-test > "$WORK/self-test.out" 2>&1 || { cat "$WORK/self-test.out"; exit 1; }
cat "$WORK/self-test.out"
grep -q "every screen opened" "$WORK/self-test.out"
[ -f "$WORK/home/.local/state/posclient/log/posclient.log" ]

step "a central on 127.0.0.1"
CENTRAL="$REPO/.venv/bin/posclient-central --database sqlite:///$WORK/central.db"
$CENTRAL init > /dev/null
$CENTRAL demo-data --products 300 --members 20 --store S001 --seed 7 > /dev/null
$CENTRAL create-staff --store S001 --id 1901 --name Smoke --role cashier --pin 2468 > /dev/null
CODE=$($CENTRAL enrol-code --store S001 | sed 's/.*: //')
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$CENTRAL serve --host 127.0.0.1 --port "$PORT" > "$WORK/central.log" 2>&1 &
CENTRAL_PID=$!
URL=http://127.0.0.1:$PORT
for _ in $(seq 100); do
  "$PY" -c "import httpx, sys; sys.exit(httpx.get('$URL/v1/health').status_code != 200)" \
    2>/dev/null && break
  sleep 0.2
done

step "installed till: enrol, first sync"
till enrol --server "$URL" --code "$CODE" --name smoke-till | tee "$WORK/enrol.out"
grep -q "Enrolled as terminal" "$WORK/enrol.out"
till sync --once | tee "$WORK/sync1.out"
grep -q "first full load" "$WORK/sync1.out"

step "installed till: sell one item, sync"
BARCODE=$("$PY" - "$WORK/home/till.db" <<'PYEOF'
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT b.gtin FROM barcodes b JOIN products p ON p.id = b.product_id "
    "JOIN prices r ON r.product_id = p.id WHERE p.active AND p.measure = 'each' "
    "AND r.amount BETWEEN 100 AND 50000 ORDER BY b.gtin LIMIT 1").fetchone()
print(str(row[0]).zfill(13) if len(str(row[0])) > 8 else str(row[0]).zfill(8))
PYEOF
)
till sell --staff 1901 --pin 2468 --scan "$BARCODE" --pay card --no-print \
  2> "$WORK/sell.err" || { cat "$WORK/sell.err"; exit 1; }
RECEIPT=$(sed -n 's/.*receipt \([^,]*\),.*/\1/p' "$WORK/sell.err")
[ -n "$RECEIPT" ] || { cat "$WORK/sell.err"; exit 1; }
till sync --once | tee "$WORK/sync2.out"
grep -q "1 event(s) uploaded, 0 rejected" "$WORK/sync2.out"

step "installed till: doctor"
set +e
till doctor > "$WORK/doctor.out"
doctor_rc=$?
set -e
cat "$WORK/doctor.out"
# No printer is set up on this till: a warning (exit 5); nothing may fail.
[ "$doctor_rc" -eq 5 ] && ! grep -q "^FAIL" "$WORK/doctor.out"
grep -q "^OK   server: $URL answers" "$WORK/doctor.out"
grep -q "^OK   events: 0 waiting" "$WORK/doctor.out"

step "the central has the sale $RECEIPT"
$CENTRAL status | tee "$WORK/central-status.out"
grep -Eq "^sales +1 received" "$WORK/central-status.out"
"$PY" - "$WORK/central.db" "$RECEIPT" <<'PYEOF'
import sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute(
    "SELECT count(*) FROM sales WHERE receipt_no = ?", (sys.argv[2],)).fetchone()[0]
sys.exit(0 if n == 1 else f"the central has no sale {sys.argv[2]}")
PYEOF

kill "$CENTRAL_PID"
wait "$CENTRAL_PID" 2>/dev/null || true
CENTRAL_PID=
step "passed: PyInstaller ${build_s}s, .deb ${deb_s}s, total ${SECONDS}s"
