"""The benchmarks still run (tiny sizes). Their figures are never asserted: they are measured
by `python -m benchmarks ...` on large data, and recorded in docs/performance.md."""

from __future__ import annotations

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
