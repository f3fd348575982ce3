"""The central ends a snapshot with a trailer when the till asks for it: the number of records
and the SHA-256 of every line before it (sync/protocol/snapshot_format.py); a till that does not ask
(older than the trailer) gets the body as before."""

from __future__ import annotations

import hashlib
import json


def body(till, **params) -> list[bytes]:
    resp = till.central.http.get("/v1/snapshot", params=params, headers=till.auth)
    assert resp.status_code == 200, resp.text
    return resp.content.split(b"\n")  # httpx decoded the gzip


def test_the_trailer_counts_the_records_and_digests_every_line_before_it(shop):
    till = shop.enrol("S1")
    lines = body(till, trailer="sha256")
    assert lines[-1] == b""  # every line ends with a newline
    *sent, trailer, _ = lines
    header = json.loads(sent[0])
    assert json.loads(trailer) == {
        "records": header["records"],
        "sha256": hashlib.sha256(b"".join(line + b"\n" for line in sent)).hexdigest()}
    assert header["records"] == len(sent) - 1 > 5


def test_a_till_that_does_not_ask_gets_no_trailer(shop):
    till = shop.enrol("S1")
    *sent, _ = body(till)
    assert json.loads(sent[0])["records"] == len(sent) - 1
    assert all("entity" in json.loads(line) for line in sent[1:])
