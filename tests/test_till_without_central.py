"""A till installs without the server: nothing of the till imports the central's libraries
(FastAPI, uvicorn, SQLAlchemy, psycopg: the ``central`` extra), and ``posclient-central`` on
such a machine says what to install instead of a traceback."""

from __future__ import annotations

import subprocess
import sys

from till_kit import build_small_store

BLOCK = ("import sys\n"
         "for name in ('fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'psycopg'):\n"
         "    sys.modules[name] = None  # import of it fails, as when not installed\n")


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK + code], capture_output=True, text=True,
                          timeout=120, env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin"})


def test_the_till_runs_without_the_central_libraries(tmp_path):
    db = tmp_path / "till.db"
    build_small_store(db).close()
    done = run("import posclient.ui.main_window, posclient.ui.tour, sync.engine, "
               "posclient.doctor\n"
               "from posclient.cli import main\n"
               f"sys.exit(main(['--db', {str(db)!r}, '--lang', 'en', 'lookup', 'milk']))")
    assert done.returncode == 0, done.stderr
    assert "Yili Pure Milk" in done.stdout


def test_posclient_central_without_its_libraries_says_what_to_install():
    done = run("from sync.central.entry import main\nsys.exit(main())")
    assert done.returncode == 3
    assert "pip install 'posclient[central]'" in done.stderr and "Traceback" not in done.stderr
