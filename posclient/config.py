"""Where the till keeps its files: platform standard places, overridable by environment.

- ``POSCLIENT_DB``: the database file (else ``<user data dir>/posclient/till.db``).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "posclient"


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    env = os.environ.get("POSCLIENT_DB")
    return Path(env) if env else data_dir() / "till.db"
