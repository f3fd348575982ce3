"""Update the till's Simplified Chinese translation and compile it.

    python tools/build_translations.py          # lupdate -> resources/i18n/posclient_zh_CN.ts,
                                                # lrelease -> resources/i18n/posclient_zh_CN.qm
    python tools/build_translations.py --check  # CI: exit 1 if either is not up to date

The source language is English (the strings in ``posclient/ui/*.py``). ``lupdate`` keeps the
translations already in the .ts and drops messages no longer in the code (``-no-obsolete``);
new messages arrive unfinished and must be translated (Qt Linguist: ``pyside6-linguist``, or an
editor) before ``--check`` passes. Needs only the venv: the Qt tools come with PySide6.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES_DIR = ROOT / "posclient" / "ui"
I18N = ROOT / "resources" / "i18n"
TS = I18N / "posclient_zh_CN.ts"
QM = I18N / "posclient_zh_CN.qm"
LANGUAGE = "zh_CN"

PLACEHOLDER = re.compile(r"%(?:n|\d+)")

# (context, source, disambiguation, plural)
Key = tuple[str, str, str, bool]


class ToolError(RuntimeError):
    pass


def find_tool(name: str) -> list[str]:
    """``lupdate``/``lrelease`` from this Python's PySide6: the ``pyside6-*`` launcher beside
    ``sys.executable`` (a venv's bin or Scripts), else the binary in the PySide6 package."""
    exe = ".exe" if os.name == "nt" else ""
    launcher = Path(sys.executable).parent / f"pyside6-{name}{exe}"
    if launcher.is_file():
        return [str(launcher)]
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / f"{name}{exe}"
            if binary.is_file():
                return [str(binary)]
    found = shutil.which(f"pyside6-{name}")
    if found:
        return [found]
    raise ToolError(f"{name} not found: install PySide6 in this Python "
                    f"({sys.executable}): pip install -e '.[gui]'")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if os.name == "posix" and not any(re.search("utf-?8", env.get(v, ""), re.I)
                                      for v in ("LC_ALL", "LC_CTYPE", "LANG")):
        env["LC_ALL"] = "C.UTF-8"  # Qt's tools warn on a C locale
    return env


def _run(cmd: list[str], quiet: bool) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env(), check=False)
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise ToolError(f"{' '.join(cmd)} failed ({done.returncode}):\n{output}")
    if output and not quiet:
        print(output)
    return output


def sources() -> list[Path]:
    return sorted(SOURCES_DIR.glob("*.py"))


def lupdate(ts: Path, quiet: bool = False) -> None:
    _run([*find_tool("lupdate"), "-no-obsolete", "-locations", "relative",
          "-source-language", "en", "-target-language", LANGUAGE,
          *map(str, sources()), "-ts", str(ts)], quiet)


def lrelease(ts: Path, qm: Path, quiet: bool = False) -> None:
    _run([*find_tool("lrelease"), str(ts), "-qm", str(qm)], quiet)


def messages(ts: Path) -> dict[Key, ET.Element]:
    """Every message of a .ts, by what identifies it (not its location)."""
    out: dict[Key, ET.Element] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for m in context.iter("message"):
            key = (name, m.findtext("source", ""), m.findtext("comment", ""),
                   m.get("numerus") == "yes")
            out[key] = m
    return out


def _label(key: Key) -> str:
    context, source, comment, _ = key
    note = f" ({comment})" if comment else ""
    return f"{context}: {source!r}{note}"


def problems_in(ts: Path, current: dict[Key, ET.Element]) -> list[str]:
    """Messages not translated, or translated without the source's %1/%n placeholders."""
    out: list[str] = []
    for key, m in current.items():
        t = m.find("translation")
        kind = t.get("type") if t is not None else "missing"
        if t is None or kind in ("unfinished", "obsolete", "vanished", "missing"):
            out.append(f"not translated ({kind}): {_label(key)}")
            continue
        forms = [f.text or "" for f in t.iter("numerusform")] if key[3] else [t.text or ""]
        if not forms or not all(f.strip() for f in forms):
            out.append(f"empty translation: {_label(key)}")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(key[1])))
        for form in forms:
            have = sorted(set(PLACEHOLDER.findall(form)))
            if have != wanted:
                out.append(f"placeholders {have} instead of {wanted}: {_label(key)} -> "
                           f"{form!r}")
    return out


def check() -> list[str]:
    """What is out of date: strings lupdate would add or drop, untranslated messages, and a
    .qm that lrelease would not produce byte for byte from the .ts."""
    if not TS.is_file():
        return [f"{TS.relative_to(ROOT)} is missing: run python tools/build_translations.py"]
    problems: list[str] = []
    current = messages(TS)
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / TS.name
        shutil.copyfile(TS, fresh_ts)
        lupdate(fresh_ts, quiet=True)
        fresh = messages(fresh_ts)
        problems += [f"not in the .ts (new in the code): {_label(k)}"
                     for k in fresh if k not in current]
        problems += [f"no longer in the code (obsolete): {_label(k)}"
                     for k in current if k not in fresh]
        problems += problems_in(TS, current)
        if not QM.is_file():
            problems.append(f"{QM.relative_to(ROOT)} is missing")
        else:
            fresh_qm = Path(tmp) / QM.name
            lrelease(TS, fresh_qm, quiet=True)
            if fresh_qm.read_bytes() != QM.read_bytes():
                older = QM.stat().st_mtime < TS.stat().st_mtime
                problems.append(f"{QM.relative_to(ROOT)} is not what lrelease makes of the .ts"
                                + (" (it is older than the .ts)" if older else ""))
    return problems


def build() -> list[str]:
    I18N.mkdir(parents=True, exist_ok=True)
    lupdate(TS)
    lrelease(TS, QM)
    return problems_in(TS, messages(TS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if the .ts or .qm is not up to date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check()
            if problems:
                print(f"Translations are not up to date ({len(problems)} problem(s)):",
                      file=sys.stderr)
                for p in problems:
                    print(f"  - {p}", file=sys.stderr)
                print("Run: python tools/build_translations.py, translate what is unfinished "
                      f"in {TS.relative_to(ROOT)}, run it again and commit the .ts and .qm.",
                      file=sys.stderr)
                return 1
            print(f"Translations up to date: {len(messages(TS))} messages in "
                  f"{TS.relative_to(ROOT)}")
            return 0
        todo = build()
        if todo:
            print(f"{len(todo)} message(s) still to translate in {TS.relative_to(ROOT)}:")
            for p in todo:
                print(f"  - {p}")
        print(f"Wrote {TS.relative_to(ROOT)} and {QM.relative_to(ROOT)}")
        return 0
    except ToolError as exc:
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
