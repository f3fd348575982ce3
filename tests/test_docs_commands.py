"""Every ``posclient`` and ``posclient-central`` command that README.md and docs/deploy.md show
runs as shown: each is accepted by the program's own argument parser, and the central's
catalogue steps of docs/deploy.md run for real against a new central."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from posclient.cli import build_parser as till_parser
from sync.central.cli import build_parser as central_parser
from sync.central.cli import main as central_main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("README.md", "docs/deploy.md")
PROGRAMS = {"posclient": till_parser, "posclient-central": central_parser}
_OPERATORS = {";", "&&", "||", "|", "&"}
_REDIRECTS = {">", ">>", "<", "2>", "&>"}


def _simple_commands(line: str) -> list[list[str]]:
    """The simple commands of one shell line (operators split, comments and redirects gone)."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
    lex.whitespace_split = True
    lex.commenters = "#"
    out: list[list[str]] = [[]]
    skip_next = False
    for token in lex:
        if skip_next:
            skip_next = False
        elif token in _OPERATORS:
            out.append([])
        elif token in _REDIRECTS:
            skip_next = True
        else:
            out[-1].append(token)
    return [c for c in out if c]


def _program(words: list[str]) -> tuple[str, list[str]] | None:
    """``(program, args)`` when the command runs posclient or posclient-central (also through
    ``VAR=x``, ``sudo [-E] [-u USER]`` or ``docker exec [-it] NAME``), else None."""
    words = list(words)
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words.pop(0)
    if words[:1] == ["sudo"]:
        words.pop(0)
        while words and words[0].startswith("-"):
            flag = words.pop(0)
            if flag in ("-u", "-g") and words:
                words.pop(0)
    if words[:2] == ["docker", "exec"]:
        words = words[2:]
        while words and words[0].startswith("-"):
            words.pop(0)
        words = words[1:]  # the container
    if not words:
        return None
    name = Path(words[0]).name
    return (name, words[1:]) if name in PROGRAMS else None


def _documented_commands() -> list[tuple[str, str, list[str]]]:
    """``(where, program, args)`` of every command in a ``sh`` block, and of every inline
    ``posclient ...`` span that gives more than a command's name."""
    found = []
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for block in re.finditer(r"```sh\n(.*?)```", text, re.S):
            first = text.count("\n", 0, block.start(1)) + 1
            joined = block.group(1).replace("\\\n", " \n")  # continuation: one logical line
            number = first
            for line in re.sub(r"\\ \n", " ", joined).splitlines():
                for words in _simple_commands(line):
                    hit = _program(words)
                    if hit:
                        found.append((f"{doc}:{number}", *hit))
                number += 1 + line.count("\n")
            number = first
        for span in re.finditer(r"`(posclient(?:-central)? [^`]+)`", text):
            for words in _simple_commands(span.group(1))[:1]:  # "posclient ... | head -1"
                if len(words) > 2:  # more than "posclient status": a command to run as written
                    line = text.count("\n", 0, span.start()) + 1
                    hit = _program(words)
                    if hit:
                        found.append((f"{doc}:{line}", *hit))
    return found


COMMANDS = _documented_commands()


def test_the_docs_show_commands_of_both_programs():
    programs = {program for _, program, _ in COMMANDS}
    assert programs == {"posclient", "posclient-central"}
    assert len(COMMANDS) > 30


@pytest.mark.parametrize(("where", "program", "args"), COMMANDS,
                         ids=[f"{w} {p} {' '.join(a[:1])}" for w, p, a in COMMANDS])
def test_each_documented_command_is_accepted_by_its_program(where, program, args, capsys):
    parser = PROGRAMS[program]()
    try:
        parser.parse_args(args)
    except SystemExit as exc:
        if exc.code not in (0, None):  # --help and --version exit 0
            pytest.fail(f"{where}: `{program} {shlex.join(args)}` is refused: "
                        f"{capsys.readouterr().err.strip()}")


def test_the_deploy_guides_catalogue_steps_run_for_real(tmp_path, monkeypatch, capsys):
    """docs/deploy.md's block "Stores, staff, catalogue, enrolment codes", run in order
    against a new central, with a products.csv like the one IT would have."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POSCLIENT_CENTRAL_ADMIN_TOKEN", raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "2468")  # the PIN IT types
    db = f"sqlite:///{tmp_path / 'central.db'}"
    assert central_main(["--database", db, "init"]) == 0
    tax = tmp_path / "tax.csv"
    tax.write_text("code,rate_ppm,name_zh\nVAT13,130000,增值税\n", encoding="utf-8")
    assert central_main(["--database", db, "import", str(tax), "--kind", "tax_rate"]) == 0
    (tmp_path / "products.csv").write_text(
        "id,sku,name_zh,name_en,measure,tax_code,barcodes\n"
        "1,100001,伊利 纯牛奶,Yili Milk,each,VAT13,6901234567892\n"
        "2,100002,全麦面包,,each,VAT13,\n", encoding="utf-8")
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = text[text.index("### Stores, staff, catalogue"):]
    block = re.search(r"```sh\n(.*?)```", block, re.S).group(1)
    ran = []
    for line in block.splitlines():
        for words in _simple_commands(line):
            hit = _program(words)
            if hit:
                code = central_main(["--database", db, *hit[1]])
                assert code == 0, f"`{shlex.join(words)}`: {capsys.readouterr().err}"
                ran.append(hit[1][0])
    assert "import" in ran and "create-store" in ran and "enrol-code" in ran
    assert "2 rows read, 2 loaded" in capsys.readouterr().out
