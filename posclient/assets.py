"""Where the shipped resources are (installed as ``posclient.resources``).

In a wheel or an editable install ``resources/`` is the package ``posclient.resources``; when
code runs from a source checkout without install, the folder beside the package is used.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def resource_path(*parts: str) -> Path:
    try:
        base = Path(str(resources.files("posclient.resources")))
    except ModuleNotFoundError:
        base = Path(__file__).resolve().parent.parent / "resources"
    return base.joinpath(*parts)


def demo_document(name: str) -> dict[str, Any]:
    """One of the demo store's vocabulary documents (``resources/demo/NAME``), parsed: the
    reader that ``posclient.app.demo_data`` is handed."""
    data: dict[str, Any] = json.loads(resource_path("demo", name).read_text(encoding="utf-8"))
    return data
