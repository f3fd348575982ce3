"""Where the shipped resources are (installed as ``posclient.resources``).

In a wheel or an editable install ``resources/`` is the package ``posclient.resources``; when
code runs from a source checkout without install, the folder beside the package is used.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    try:
        base = Path(str(resources.files("posclient.resources")))
    except ModuleNotFoundError:
        base = Path(__file__).resolve().parent.parent / "resources"
    return base.joinpath(*parts)
