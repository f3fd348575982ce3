"""The packaging recipes name commands and options that exist (the smoke test in
packaging/smoke_test.sh builds and runs the .deb itself; these check the recipes it cannot run
here: the systemd unit, the container, the Windows installer)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from posclient.cli import build_parser as till_parser
from sync.central.cli import build_parser as central_parser

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"


def test_the_systemd_unit_and_the_container_start_the_central_with_valid_options():
    unit = (PACKAGING / "central" / "posclient-central.service").read_text()
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M)
    assert exec_start
    argv = shlex.split(exec_start.group(1))
    assert argv[0].endswith("/posclient-central")
    args = central_parser().parse_args(argv[1:])
    assert (args.command, args.host, args.port) == ("serve", "127.0.0.1", 8700)
    docker = (PACKAGING / "central" / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.+\])$", docker, re.M)
    assert cmd
    argv = json.loads(cmd.group(1))
    assert central_parser().parse_args(argv[1:]).command == "serve"
    nginx = (PACKAGING / "central" / "nginx.conf").read_text()
    assert "server 127.0.0.1:8700;" in nginx and "listen 443 ssl;" in nginx


def test_the_windows_installer_enrols_with_the_silent_parameters():
    iss = (PACKAGING / "windows" / "posclient.iss").read_text()
    assert "{param:SERVER}" in iss and "{param:CODE}" in iss
    # What EnrolParams builds is a valid `posclient enrol`.
    args = till_parser().parse_args(["enrol", "--server", "https://central.example.com",
                                     "--code", "ABCD-EFGH", "--name", "front-1"])
    assert args.command == "enrol"
    assert "'enrol --server \"'" in iss and '" --code "' in iss and "' --name \"'" in iss


def test_the_desktop_entry_and_the_spec_ship_what_the_till_needs():
    desktop = (PACKAGING / "linux" / "posclient.desktop").read_text()
    assert "Exec=/usr/bin/posclient till" in desktop and "Icon=posclient" in desktop
    assert (ROOT / "resources" / "icons" / "posclient.svg").exists()
    spec = (PACKAGING / "pyinstaller" / "posclient.spec").read_text()
    assert '"resources"), "resources")' in spec
    assert '"migrations"), "posclient/store/migrations")' in spec
