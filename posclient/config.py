"""Where the till keeps its files: platform standard places, overridable by environment.

- ``POSCLIENT_DB``: the database file (else ``<user data dir>/posclient/till.db``: on Linux
  ``~/.local/share/posclient/till.db``, on Windows ``%LOCALAPPDATA%\\posclient\\till.db``).
- ``POSCLIENT_LOG_DIR``: the folder of the rotating log ``posclient.log`` (else the user log
  dir: ``~/.local/state/posclient/log`` on Linux, ``%LOCALAPPDATA%\\posclient\\Logs`` on
  Windows).

Everything else a till needs (its printer, language, store and terminal ids, the central's
address) is kept in its database; the central's token is in the OS keyring.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

APP_NAME = "posclient"
LOG_FILE = "posclient.log"
LOG_MAX_BYTES = 5_000_000  # per file; LOG_BACKUPS older files are kept beside it
LOG_BACKUPS = 5


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    env = os.environ.get("POSCLIENT_DB")
    return Path(env) if env else data_dir() / "till.db"


def log_dir() -> Path:
    env = os.environ.get("POSCLIENT_LOG_DIR")
    return Path(env) if env else platformdirs.user_log_path(APP_NAME, appauthor=False)


def start_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the root logger to a rotating file (5 MB, 5 older files); returns its path.

    Calling it again with the same folder adds nothing. Raises ``OSError`` when the folder
    cannot be written.
    """
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / LOG_FILE).resolve()
    root = logging.getLogger()
    for h in root.handlers:
        if isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path:
            return path
    handler = RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
