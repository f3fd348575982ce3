"""``posclient till --quit-after``: the window opens on demo data offscreen, then closes with
exit 0 (what the packaged build's smoke test runs), and the till logs to POSCLIENT_LOG_DIR."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_till_opens_offscreen_and_quits_after_the_time_given(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "POSCLIENT_LOG_DIR":
           str(tmp_path / "logs"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    done = subprocess.run(
        [sys.executable, "-m", "posclient.cli", "--db", str(tmp_path / "till.db"), "till",
         "--demo", "--products", "60", "--members", "5", "--quit-after", "0.5"],
        env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Demo store ready" in done.stdout
    assert "open for 0.5 s and closed (exit 0)" in done.stderr
    log = (tmp_path / "logs" / "posclient.log").read_text(encoding="utf-8")
    assert "till window open (offscreen" in log
