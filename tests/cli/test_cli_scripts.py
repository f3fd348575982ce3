"""The posclient command as IT scripts it: in a pipe that closes early, with --json, with the
exit codes its --help documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from till_kit import MILK, build_small_store

from posclient.cli import EXIT_CODES, _run, build_parser, main


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "till.db"
    build_small_store(path).close()
    return path


def posclient(db, *args: str, closed_pipe: bool = False) -> subprocess.CompletedProcess[str]:
    """The installed command in a fresh process; ``closed_pipe``: its standard output is a
    pipe whose reader is already gone (``| head -0``)."""
    cmd = [sys.executable, "-m", "posclient", "--db", str(db), *args]
    if not closed_pipe:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(cmd, stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    return subprocess.CompletedProcess(cmd, proc.returncode, "", proc.stderr)


@pytest.mark.parametrize("args", [("lookup", "牛奶"), ("lookup", "milk", "--json"),
                                  ("status",), ("status", "--json"), ("--help",),
                                  ("sell", "--help"), ("audit", "verify")])
def test_a_closed_pipe_ends_quietly_with_141(db, args):
    done = posclient(db, *args, closed_pipe=True)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode in (0, 141)  # --help exits through argparse: 0 before the pipe


def test_lookup_piped_to_head_gives_its_first_line(db):
    done = subprocess.run(f"{sys.executable} -m posclient --db {db} lookup milk --limit 20 "
                          "| head -1", shell=True, capture_output=True, text=True, timeout=60)
    assert done.stdout.count("\n") == 1 and "Milk" in done.stdout
    assert "Traceback" not in done.stderr


def test_help_shows_percent_signs_once_and_the_exit_codes(db):
    sell_help = posclient(db, "sell", "--help").stdout
    assert "--discount 10%" in sell_help and "%%" not in sell_help
    assert "141" in sell_help
    top = posclient(db, "--help").stdout
    for line in EXIT_CODES.splitlines()[1:]:
        assert line.strip() in top


def test_lookup_json_has_amounts_in_fen_and_the_stock(db, capsys):
    assert main(["--db", str(db), "lookup", MILK, "--json"]) == 0
    [milk] = json.loads(capsys.readouterr().out)
    assert milk["barcodes"] == [MILK] and milk["price"] == 1250 and milk["currency"] == "CNY"
    assert milk["name_zh"] == "伊利 纯牛奶 250ml" and milk["stock"] == 100


def test_lookup_json_of_nothing_is_an_empty_list_and_exit_1(db, capsys):
    assert main(["--db", str(db), "lookup", "unicorn", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == []


def test_sell_json_gives_the_receipt_number_total_and_change(db, capsys):
    assert main(["--db", str(db), "sell", "--staff", "1001", "--pin", "1111", "--scan", MILK,
                 "--pay", "cash:20", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["receipt_no"] == "S001-T01-000001"
    assert (out["total"], out["change"], out["currency"]) == (1250, 750, "CNY")
    assert "S001-T01-000001" in out["receipt"]


def test_status_and_audit_json(db, capsys):
    assert main(["--db", str(db), "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert (st["store_id"], st["terminal_id"]) == ("S001", "T01")
    assert st["sync"]["enrolled"] is False and st["sync"]["events_waiting"] == 0
    assert main(["--db", str(db), "audit", "verify", "--json"]) == 0
    audit = json.loads(capsys.readouterr().out)
    assert audit["intact"] is True and audit["problems"] == []


def test_every_subcommand_a_script_reads_takes_json():
    parser = build_parser()
    for command in ("lookup", "sell", "status", "audit", "sync", "doctor"):
        sub = parser._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
        assert any("--json" in a.option_strings for a in sub._actions), command


def test_an_unexpected_fault_is_one_line_for_the_person_and_the_traceback_in_the_log(
        db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POSCLIENT_LOG_DIR", str(tmp_path / "logs"))
    parser = build_parser()

    def broken(args) -> int:
        raise ZeroDivisionError("a bug of ours")

    sub = parser._subparsers._group_actions[0].choices["status"]  # type: ignore[union-attr]
    sub.set_defaults(func=broken)
    assert _run(parser, ["--db", str(db), "status"]) == 1
    err = capsys.readouterr().err
    assert "status failed unexpectedly (ZeroDivisionError)" in err and "Traceback" not in err
    log = (tmp_path / "logs" / "posclient.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "a bug of ours" in log


def test_the_centrals_command_also_ends_quietly_in_a_closed_pipe(tmp_path):
    url = f"sqlite:///{tmp_path / 'central.db'}"
    base = [sys.executable, "-m", "sync.central", "--database", url]
    assert subprocess.run([*base, "init"], capture_output=True, timeout=60).returncode == 0
    for args in (["--help"], ["status"]):
        read, write = os.pipe()
        os.close(read)
        try:
            done = subprocess.run([*base, *args], stdout=write, stderr=subprocess.PIPE,
                                  text=True, timeout=60)
        finally:
            os.close(write)
        assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
        assert done.returncode in (0, 141)
