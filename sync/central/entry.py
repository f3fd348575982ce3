"""The ``posclient-central`` command's entry: a machine installed without the central's
libraries (a till: ``pip install posclient``, no ``[central]``) gets a sentence, not a
traceback."""

from __future__ import annotations

import sys

CENTRAL_LIBRARIES = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "psycopg")


def main() -> int:
    try:
        from sync.central.cli import main as run
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in CENTRAL_LIBRARIES:
            raise
        print(f"posclient-central: the central service's libraries are not installed "
              f"({exc.name} is missing). Install them with: pip install 'posclient[central]' "
              "(a till does not need them).", file=sys.stderr)
        return 3
    return run()
