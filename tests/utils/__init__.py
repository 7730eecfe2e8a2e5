"""The test toolkit every suite starts from.

- `constants`: test amounts and gas money (general units come from `openotc.units`);
- `reverts`: exact custom-error assertions (`assert_reverted_with`, `encode_error`) behind the
  `reverts`, `error_data` and `dry_run` fixtures of the root conftest;
- `stateful`: `ChainMachine`, the base of every stateful property suite (a snapshot per
  hypothesis example, pinned block timestamps, sends, dry runs, exact refusals, batched reads,
  all over raw JSON-RPC);
- `benchmark`: a pytest plugin (loaded by the root conftest) that records, when
  `OPENOTC_BENCH_FILE` is set, what `make bench-properties` prints;
- `ape_workarounds`: a pytest plugin (loaded by the root conftest) with what the suites need
  around ape's test runner, each workaround with the sign that says when it can go.
"""
