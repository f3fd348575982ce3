"""``python -m benchmarks checkout --products 1000000 --json out.json``
``python -m benchmarks sync --products 1000000 --members 1000000 --json out.json``
``python -m benchmarks pricing --members 1000000 --json out.json``
``python -m benchmarks stock --products 1000000 --stores 100 --json out.json``"""

from __future__ import annotations

import sys

BENCHMARKS = {"checkout": "benchmarks.checkout", "sync": "benchmarks.sync",
              "pricing": "benchmarks.pricing", "stock": "benchmarks.stock"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m benchmarks {{{','.join(BENCHMARKS)}}} [options]",
              file=sys.stderr)
        return 2
    import importlib

    importlib.import_module(BENCHMARKS[argv[0]]).run(argv[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
