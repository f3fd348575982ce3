"""The benchmarks still run (tiny sizes). Their figures are never asserted: they are measured
by `python -m benchmarks ...` on large data, and recorded in docs/performance.md."""

from __future__ import annotations

import pytest

from benchmarks.checkout import run

CHECKOUT_KEYS = {
    "scan_p99_ms", "raw_scan_p99_ms", "search_p99_ms", "raw_search_p99_ms", "commit_p99_ms",
    "raw_commit_p99_ms", "generate_s", "raw_insert_s", "db_mb", "startup_rss_mb",
}


def test_checkout_benchmark_runs_and_reports_every_key(tmp_path, capsys):
    out = tmp_path / "out.json"
    results = run(["--products", "3000", "--scans", "200", "--queries", "40", "--sales", "10",
                   "--json", str(out), "--workdir", str(tmp_path / "work")])
    assert results.keys() >= CHECKOUT_KEYS
    assert all(results[k] > 0 for k in CHECKOUT_KEYS)
    assert out.read_text().startswith("{")


SYNC_KEYS = {
    "bootstrap_s", "raw_bootstrap_s", "bootstrap_ratio", "bootstrap_records",
    "delta_10k_prices_s", "drain_10k_events_s", "commit_p99_during_sync_ms",
    "scan_p99_during_sync_ms",
}


@pytest.mark.slow
def test_sync_benchmark_runs_and_reports_every_key(tmp_path):
    """Tiny sizes; the PostgreSQL ingest only where PostgreSQL answers."""
    from benchmarks.sync import PG_URL, pg_problem
    from benchmarks.sync import run as run_sync

    out = tmp_path / "sync.json"
    argv = ["--products", "2000", "--members", "500", "--prices", "50", "--sales", "30",
            "--renames", "20", "--deletes", "5", "--idle-sales", "10", "--pace-ms", "1",
            "--terminals", "3", "--ingest-events", "10", "--ingest-batch", "5",
            "--json", str(out), "--workdir", str(tmp_path / "work")]
    with_pg = pg_problem(PG_URL) is None
    results = run_sync(argv + ([] if with_pg else ["--skip-pg"]))
    assert results.keys() >= SYNC_KEYS | ({"ingest_events_per_s"} if with_pg else set())
    assert results["bootstrap_records"] > 2000
    assert out.read_text().startswith("{")


PRICING_KEYS = {
    "price_basket_p50_ms", "price_basket_p99_ms", "member_lookup_p99_ms",
    "raw_member_lookup_p99_ms", "member_lookup_ratio",
}


def test_pricing_benchmark_runs_and_reports_every_key(tmp_path):
    from benchmarks.pricing import run as run_pricing

    out = tmp_path / "pricing.json"
    results = run_pricing(["--promotions", "200", "--runs", "50", "--members", "2000",
                           "--lookups", "50", "--json", str(out),
                           "--workdir", str(tmp_path / "work")])
    assert results.keys() >= PRICING_KEYS
    assert all(results[k] > 0 for k in PRICING_KEYS)
    assert out.read_text().startswith("{")
