#!/usr/bin/env python3
"""Does finding one account cost the same with 1,000 accounts as with 100,000?

Builds a store of N accounts (`popstore account import`), then times, with the real
binary, `account show` of one account and `message add` of a 4 KiB message to one
account, REPS times each, and prints the medians as one JSON line per store size.

    swift build -c release
    scripts/bench-scale.py --bin .build/release/popstore --sizes 1000 100000 --reps 50

Everything happens in a temporary directory (or --dir) on this machine; nothing is
sent anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def run(binary: str, store: str, *args: str, data: bytes | None = None) -> None:
    subprocess.run([binary, *args, "--store", store], input=data, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   stdin=None if data is not None else subprocess.DEVNULL)


def timed(fn, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/popstore")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--dir", default=None, help="where to build the stores (default: a temp dir)")
    args = parser.parse_args()

    base = args.dir or tempfile.mkdtemp(prefix="popstore-bench-")
    message = (b"From: a@example.net\nSubject: bench\n\n" + b"x" * 76 + b"\n") * 52
    try:
        stores: dict[int, str] = {}
        imports: dict[int, float] = {}
        for size in args.sizes:
            store = os.path.join(base, f"store-{size}")
            shutil.rmtree(store, ignore_errors=True)
            run(args.bin, store, "init", "--domain", "example.com")
            names = "\n".join(f"user{i}" for i in range(size)).encode()
            start = time.perf_counter()
            run(args.bin, store, "account", "import", data=names)
            imports[size] = time.perf_counter() - start
            stores[size] = store
        # Interleaved rounds, so that drift in the machine's load falls on every size alike.
        show: dict[int, list[float]] = {size: [] for size in args.sizes}
        deliver: dict[int, list[float]] = {size: [] for size in args.sizes}
        for _ in range(args.reps):
            for size, store in stores.items():
                target = f"user{size // 2}"
                show[size] += timed(lambda: run(args.bin, store, "account", "show", target), 1)
                deliver[size] += timed(lambda: run(args.bin, store, "message", "add", "--to", target, data=message), 1)
        for size in args.sizes:
            print(json.dumps({
                "accounts": size,
                "import_seconds": round(imports[size], 1),
                "account_show_ms_median": round(statistics.median(show[size]), 2),
                "account_show_ms_p90": round(sorted(show[size])[int(len(show[size]) * 0.9) - 1], 2),
                "message_add_ms_median": round(statistics.median(deliver[size]), 2),
                "message_add_ms_p90": round(sorted(deliver[size])[int(len(deliver[size]) * 0.9) - 1], 2),
                "reps": args.reps,
            }), flush=True)
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
