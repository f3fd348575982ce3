"""``posclient-central serve`` as deployed (issue 17): the enrolment limit counts the client
address that a trusted proxy reports and never an ``X-Forwarded-For`` a client writes itself; the
API documents only with ``--api-docs``. The real command in a process of its own, real HTTP
from distinct loopback addresses (127.0.0.2, 127.0.0.3, ...: each a different client)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from central_kit import ADMIN_TOKEN
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from sync.central import cli, identity
from sync.central.db import make_engine
from sync.central.schema import enrol_failures

BAD = {"code": "AAAA-AAAA-AAAA-AAAA", "terminal_name": "guess"}
LIMIT = 5  # EnrolLimits' default max_failures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def central_process(db: Path, *serve_args: str, env: dict[str, str] | None = None,
                    log: Path) -> Iterator[str]:
    """``python -m sync.central serve`` on 127.0.0.1 and a free port, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sync.central", "--database", str(db), "serve", "--host",
             "127.0.0.1", "--port", str(port), "--log-level", "warning", *serve_args],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"serve did not start: {log.read_text()}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            proc.wait(15)


def client_at(address: str, url: str) -> httpx.Client:
    """A client whose connections come from ``address`` (a loopback address of its own)."""
    return httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=address),
                        timeout=10)


def counted_addresses(db: Path) -> set[str]:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(enrol_failures.c.address)))
    finally:
        engine.dispose()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "central.db"
    monkeypatch.setenv(cli.ENV_ADMIN_TOKEN, ADMIN_TOKEN)
    assert cli.main(["--database", str(path), "init"]) == 0
    return path


def test_a_client_writing_its_own_forwarded_for_is_counted_by_its_real_address(db, tmp_path):
    with central_process(db, log=tmp_path / "serve.log") as url, \
            client_at("127.0.0.2", url) as guesser, client_at("127.0.0.3", url) as other:
        answers = [guesser.post("/v1/enrol", json=BAD,
                                headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                   for i in range(LIMIT + 1)]
        assert answers == [400] * LIMIT + [429]
        # a new made-up address each time changes nothing; another client is not held up
        assert guesser.post("/v1/enrol", json=BAD,
                            headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429
        assert other.post("/v1/enrol", json=BAD).status_code == 400
    assert counted_addresses(db) == {"127.0.0.2", "127.0.0.3"}


class ForwardingProxy:
    """A reverse proxy that passes each request on to ``central`` from 127.0.0.1 and appends
    the address of the client it took it from to what the client sent (nginx's
    ``$proxy_add_x_forwarded_for``: the harder case; packaging/central/nginx.conf replaces)."""

    def __init__(self, central: str) -> None:
        self.central = central

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        peer = scope["client"][0]
        forwarded = request.headers.get("x-forwarded-for")
        headers = {"content-type": request.headers.get("content-type", "application/json"),
                   "x-forwarded-for": f"{forwarded}, {peer}" if forwarded else peer}
        async with httpx.AsyncClient(
                transport=httpx.AsyncHTTPTransport(local_address="127.0.0.1")) as http:
            r = await http.request(request.method, f"{self.central}{request.url.path}",
                                   content=await request.body(), headers=headers)
        await Response(r.content, status_code=r.status_code,
                       media_type=r.headers.get("content-type"))(scope, receive, send)


def test_behind_a_trusted_proxy_the_client_it_reports_is_counted(db, tmp_path, serve):
    with central_process(db, "--forwarded-allow-ips", "127.0.0.1",
                         log=tmp_path / "serve.log") as central, \
            serve(ForwardingProxy(central)) as proxy, \
            client_at("127.0.0.4", proxy) as guesser, client_at("127.0.0.5", proxy) as other:
        answers = [guesser.post("/v1/enrol", json=BAD,  # the made-up part is not believed
                                headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                   for i in range(LIMIT + 1)]
        assert answers == [400] * LIMIT + [429]
        assert other.post("/v1/enrol", json=BAD).status_code == 400  # not the proxy's count
    assert counted_addresses(db) == {"127.0.0.4", "127.0.0.5"}


def test_trusting_every_client_is_refused(db, capsys):
    assert cli.main(["--database", str(db), "serve", "--forwarded-allow-ips", "*"]) == 2
    assert "any client can write" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "env", "status"), [
    ((), {}, 404),
    (("--api-docs",), {}, 200),
    ((), {cli.ENV_API_DOCS: "1"}, 200),
])
def test_the_api_documents_need_the_flag_or_the_setting(db, tmp_path, args, env, status):
    with central_process(db, *args, env=env, log=tmp_path / "serve.log") as url:
        for path in ("/docs", "/redoc", "/openapi.json"):
            r = httpx.get(f"{url}{path}")
            assert r.status_code == status, path
            assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(("host", "key"), [
    ("192.0.2.7", "192.0.2.7"),
    ("::ffff:192.0.2.7", "192.0.2.7"),  # an IPv4 client on an IPv6 socket
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # one host holds a whole /64
    ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
    (None, "unknown"), ("", "unknown"), ("x" * 300, "unknown"), ("unix:/run/x", "unknown"),
])
def test_the_limit_counts_an_address_or_its_network_never_free_text(host, key):
    assert identity.rate_key(host) == key
