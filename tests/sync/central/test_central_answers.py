"""What the central's answers carry (issue 17): ``Cache-Control: no-store`` and
``X-Content-Type-Options: nosniff`` on every answer, the data-bearing ones and the errors alike;
the interactive API documents only when enabled. Real central over HTTP, SQLite and PostgreSQL.
"""

from __future__ import annotations

import socket

import httpx
import pytest
from central_kit import ADMIN_TOKEN
from test_central_orders import post, web_order

from sync.central import cli
from sync.central.api import create_app

SECURE = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


def secured(r: httpx.Response) -> bool:
    """The two headers, each once, with exactly these values."""
    return all(r.headers.get_list(name) == [value] for name, value in SECURE.items())


def announced_too_large(url: str, auth: dict[str, str]) -> httpx.Response:
    """The answer to a request whose headers announce a 64 MB body (the limit is 32 MB): sent on
    a plain socket, as httpx will not announce a body it does not send."""
    host, port = url.removeprefix("http://").split(":")
    head = (f"POST /v1/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Authorization: {auth['Authorization']}\r\nContent-Length: {64 * 1024 * 1024}\r\n"
            "Connection: close\r\n\r\n")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode("ascii"))
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    status_line, _, rest = raw.partition(b"\r\n")
    header_block, _, body = rest.partition(b"\r\n\r\n")
    headers = [h.decode("latin-1").partition(": ")[::2] for h in header_block.split(b"\r\n")]
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=body)


def test_the_answers_with_pin_hashes_member_or_customer_data_are_not_stored(shop):
    shop.admin_post("/staff", {"id": 1001, "name": "张伟", "role": "cashier", "pin": "1111",
                               "store_id": "S1"})
    shop.put("member", [{"id": 7, "member_no": "M0007", "name": "陈静",
                         "phone": "13800138000", "store_id": "S1"}])  # on S1's tills
    post(shop, web_order(), web_order("D1", fulfilment="delivery", status="delivered",
                                      store_id=None, pickup_code=None))
    till = shop.enrol("S1")
    answers = {
        "feed": till.get("/v1/changes", after=0),
        "snapshot": till.get("/v1/snapshot"),
        "order": till.get("/v1/orders/W1001"),
        "purchase": till.get("/v1/returns/purchase", order_no="D1"),
        "whoami": till.get("/v1/whoami"),
        "health": shop.http.get("/v1/health"),
        "web shop's order": shop.http.get("/v1/admin/orders/W1001", headers=shop.admin),
    }
    for what, r in answers.items():
        assert r.status_code == 200, (what, r.text)
        assert secured(r), (what, dict(r.headers))
    assert "$argon2id$" in answers["feed"].text and "M0007" in answers["feed"].text
    for what in ("order", "purchase"):  # the customer masked: the last four digits only
        assert "8000" in answers[what].text and "13800138000" not in answers[what].text
    assert "13800138000" in answers["web shop's order"].text
    assert answers["snapshot"].headers["content-encoding"] == "gzip"


def test_errors_carry_the_same_headers(shop):
    till = shop.enrol("S1")
    http = shop.http
    bad_codes = [http.post("/v1/enrol", json={"code": "AAAA-AAAA-AAAA-AAAA",
                                                "terminal_name": "guess"})
                 for _ in range(4)]  # the fixture's limit is 3 wrong codes
    errors = [
        (400, bad_codes[0]),
        (401, http.get("/v1/changes")),
        (403, till.get("/v1/changes", store_id="S2")),
        (404, till.get("/v1/orders/W404")),
        (404, http.get("/no-such-path")),
        (405, http.delete("/v1/health")),
        (413, announced_too_large(shop.url, till.auth)),
        (422, till.get("/v1/changes", after=-1)),
        (422, http.post("/v1/price-basket", content=b"not json",
                        headers={"Authorization": f"Bearer {ADMIN_TOKEN}",
                                 "Content-Type": "application/json"})),
        (429, bad_codes[-1]),
    ]
    for status, r in errors:
        assert r.status_code == status, (status, r.text)
        assert secured(r), (status, dict(r.headers))
        assert r.headers["content-type"].startswith("application/json")


def test_an_unexpected_failure_carries_them_too(central_engine, serve):
    """A 500 is answered outside the middlewares: its handler adds the headers itself."""
    app = create_app(central_engine)

    @app.get("/v1/fails")
    def fails() -> None:
        raise RuntimeError("a bug")

    with serve(app) as url, httpx.Client(base_url=url) as http:
        r = http.get("/v1/fails")
    assert (r.status_code, r.json()["error"]) == (500, "internal_error")
    assert secured(r), dict(r.headers)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json",
                                  "/docs/oauth2-redirect"])
def test_the_api_documents_are_off_by_default(central, path):
    r = central.http.get(path)
    assert r.status_code == 404 and secured(r)


def test_the_api_documents_are_served_when_enabled(central_engine, serve):
    app = create_app(central_engine, api_docs=True)
    with serve(app) as url, httpx.Client(base_url=url) as http:
        docs, redoc, doc = http.get("/docs"), http.get("/redoc"), http.get("/openapi.json")
    assert docs.status_code == redoc.status_code == doc.status_code == 200
    assert "/openapi.json" in docs.text and "/v1/changes" in doc.json()["paths"]
    assert all(secured(r) for r in (docs, redoc, doc))


def test_a_worker_takes_the_documents_setting_from_the_environment(central_engine, database_url,
                                                                    serve, monkeypatch):
    """``serve --workers N --api-docs`` hands the setting to each worker in the environment."""
    monkeypatch.setenv(cli.ENV_DB, database_url)
    for value, status in (("1", 200), ("0", 404), ("", 404)):
        monkeypatch.setenv(cli.ENV_API_DOCS, value)
        with serve(cli.app_from_env()) as url:
            assert httpx.get(f"{url}/openapi.json").status_code == status, value


def test_the_document_is_still_written_offline(tmp_path):
    out = tmp_path / "openapi.json"
    assert cli.main(["openapi", "--output", str(out)]) == 0
    assert "/v1/snapshot" in out.read_text(encoding="utf-8")
