"""`make bench-properties`: runs every stateful property suite once, in one `ape test` run on
a local anvil, and prints per suite the transactions its machines mined, the wall time of its
hypothesis run and the transactions per second, with the JSON-RPC calls per transaction.

The counts come from the test session itself (tests/utils/benchmark.py, switched on by
`OPENOTC_BENCH_FILE`): transactions are what `ChainMachine` mined, not an estimate. `run s` is
the wall time of the machine's whole run (`ChainMachine.run`: every example, its snapshot,
rules, dry runs, invariants, restore, and hypothesis' own work), not only the sends; tx/s is
transactions over it. `test s` is the whole test function besides: the set-up transactions it
sends through ape before the run. Fixtures set up before the test (deployments) are not timed.
The loaded hypothesis profile decides how many examples run (`HYPOTHESIS_PROFILE`, `ci` by
default: the work `make test` does).

    python -m openotc.devtools.bench_properties [suite files ...] [-- extra ape test args]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NETWORK = "ethereum:local:foundry"
SUITES = (
    "tests/court/test_court_properties.py",
    "tests/escrow/test_escrow_properties.py",
    "tests/swap/test_swap_properties.py",
    "tests/identity/test_identity_properties.py",
    "tests/registry/test_registry_properties.py",
    "tests/proxy/test_proxy_properties.py",
    "tests/token/test_token_properties.py",
    "tests/lending/test_lending_properties.py",
)
TARGET = 60  # transactions per second, in every suite


def run(suites: list[str], extra: list[str]) -> tuple[list[dict], int, float]:
    """Runs the suites in one `ape test`; the per-test records, its exit code, its wall time."""
    ape = Path(sys.executable).with_name("ape")
    with tempfile.TemporaryDirectory() as scratch:
        records = Path(scratch) / "bench.jsonl"
        env = {**os.environ, "OPENOTC_BENCH_FILE": str(records)}
        command = [str(ape), "test", "--network", NETWORK, "-p", "no:cacheprovider", "-q"]
        start = time.perf_counter()
        code = subprocess.call([*command, *suites, *extra], cwd=ROOT, env=env)
        wall = time.perf_counter() - start
        lines = records.read_text().splitlines() if records.exists() else []
    return [json.loads(line) for line in lines], code, wall


def table(records: list[dict]) -> list[dict]:
    """One row per suite: the tests of a module in which a machine ran, added up."""
    rows: dict[str, dict] = defaultdict(
        lambda: {
            "examples": 0,
            "transactions": 0,
            "run_seconds": 0.0,
            "seconds": 0.0,
            "rpc_calls": 0,
            "passed": True,
        }
    )
    for record in records:
        if not record["examples"]:
            continue  # not a stateful test (e.g. a plain @given test in the same module)
        row = rows[record["module"]]
        for key in ("examples", "transactions", "run_seconds", "seconds", "rpc_calls"):
            row[key] += record[key]
        row["passed"] &= record["passed"]
    return [{"suite": suite, **row} for suite, row in rows.items()]


def report(rows: list[dict], wall: float) -> bool:
    """Prints the table (a suite below TARGET tx/s marked SLOW); whether every suite passed.
    A benchmark, not a timed test: the machine's load moves the figures."""
    print(
        f"\n{'suite':44} {'examples':>8} {'txs':>6} {'run s':>7} {'tx/s':>6} {'rpc/tx':>6} "
        f"{'test s':>7}"
    )
    ok = True
    for row in rows:
        txs, seconds = row["transactions"], row["run_seconds"]
        rate = txs / seconds if seconds else 0.0
        per_tx = row["rpc_calls"] / txs if txs else float("nan")
        flags = ("" if row["passed"] else "  FAILED") + ("" if rate >= TARGET else "  SLOW")
        ok &= row["passed"]
        print(
            f"{row['suite']:44} {row['examples']:8d} {txs:6d} {seconds:7.1f} {rate:6.1f} "
            f"{per_tx:6.1f} {row['seconds']:7.1f}{flags}"
        )
    txs = sum(row["transactions"] for row in rows)
    seconds = sum(row["run_seconds"] for row in rows)
    tests = sum(row["seconds"] for row in rows)
    rate = txs / max(seconds, 1e-9)
    print(f"{'all suites':44} {'':8} {txs:6d} {seconds:7.1f} {rate:6.1f} {'':6} {tests:7.1f}")
    print(f"(the whole `ape test` run, start-up and fixtures included: {wall:.1f} s)")
    return ok


def main(argv: list[str]) -> int:
    if "--" in argv:
        split = argv.index("--")
        suites, extra = argv[:split], argv[split + 1 :]
    else:
        suites, extra = argv, []
    records, code, wall = run(suites or list(SUITES), extra)
    rows = table(records)
    if not rows:
        print("no stateful suite ran", file=sys.stderr)
        return code or 1
    ok = report(rows, wall)
    return code or (0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
