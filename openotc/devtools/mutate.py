"""`make mutate`: mutation testing of OpenOTC's contracts with slither's mutators.

For every target contract, slither-analyzer's mutators (the generators behind
`slither-mutate`: RR, CR, AOR, ROR, ...) propose mutants of the contract's own source file;
every mutant is tried (slither-mutate's default skips tweaks on lines whose revert or comment
mutant survived; here nothing is skipped). Two of slither 0.11.6's generators give ranges that
do not match their strings (FHR, ROR); those ranges are repaired (see `_aligned`).

Each mutant is applied to the source and type-checked through the project's solc shim with a
standard-JSON input (the shim accepts nothing else, so slither-mutate's own crytic-compile
check cannot run here); then the file and every file that imports it are compiled by force
with `ape compile -f` (ape recompiles a changed file, not its importers, and would test a base
contract's mutant against stale bytecode), and the subsystem's test selection runs against it
with `ape test -x` under `nice -n 19` (the first failing test kills it, property suites run
last, hypothesis profile `ci` unless HYPOTHESIS_PROFILE says otherwise). The source is
restored afterwards, also after an interruption (a copy is kept under crytic-export/mutate/
until then), and the importers are compiled again from it at the end. A mutant is:

- `killed`: a test failed (or the run exceeded its time-out);
- `survived`: every test passed;
- `not-compiling`: the compiler rejected it (counted apart, never as killed);
- `error`: the tools failed around it (not counted; run again next time).

Survivors are either killed by a new test or recorded as equivalent, with a reason, in
`audits/mutation-equivalents.json`. The kill rate of a contract is killed / (generated - not
compiling - equivalent).

Libraries and abstract bases are part of the deployables that use them: each is mutated once,
as a target of its own, and its mutants run in one `ape test` run against the suites of the
deployables that use it (for `Governed`, the foundation's: registry, proxy, identity, token).
A deployable's combined rate counts its own mutants and those of every library and base it
is part of.

Results are appended per mutant to `audits/mutation.json` (with the commit each was measured
on), so an interrupted run continues where it stopped; when a contract's source changes, its
results are discarded and it runs again. `audits/mutation.md` is rendered from both files.

    python -m openotc.devtools.mutate                 # every target, in order, resuming
    python -m openotc.devtools.mutate AtomicSwap      # some targets
    python -m openotc.devtools.mutate --list          # the targets and their mutant counts
    python -m openotc.devtools.mutate --retest AtomicSwap   # re-run its survivors (new tests)
    python -m openotc.devtools.mutate --report        # only render audits/mutation.md
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from openotc.devtools.slither_gate import REMAPPINGS, ROOT

AUDITS = ROOT / "audits"
RESULTS = AUDITS / "mutation.json"
EQUIVALENTS = AUDITS / "mutation-equivalents.json"
REPORT = AUDITS / "mutation.md"
WORK = ROOT / "crytic-export" / "mutate"
# A compiler folder of this checkout's own, so the shim that compiles the mutants is this
# checkout's whatever another checkout installed in ~/.solcx.
SOLCX_DIR = ROOT / "crytic-export" / "solcx"
NETWORK = "ethereum:local:foundry"
# A mutant run may take this many times the unmutated selection's time before it counts as
# killed (an endless loop, a hang).
TIMEOUT_FACTOR = 3
MIN_TIMEOUT_S = 120
# Mutators in slither-mutate's order: revert and comment replacement first, then the tweaks.
FIRST_MUTATORS = ("RR", "CR")

ESCROW_TESTS = (
    "tests/escrow",
    "tests/e2e/test_escrow_flow.py",
    "tests/e2e/test_escrow_court.py",
    "tests/e2e/test_escrow_erc792_arbitrators.py",
)
COURT_TESTS = ("tests/court", "tests/e2e/test_escrow_court.py")
GOVERNANCE_TESTS = ("tests/governance", "tests/e2e/test_governance_flow.py")


@dataclass(frozen=True)
class Target:
    name: str
    source: str
    tests: tuple[str, ...]
    # Deployables this library or base is part of (empty for a deployable).
    part_of: tuple[str, ...] = ()
    # The files recompiled with each mutant, when not every importer (see `importers`): the
    # ones the test selection deploys.
    rebuild: tuple[str, ...] | None = None

    def dependents(self) -> list[str]:
        return list(self.rebuild) if self.rebuild is not None else importers(self.source)


# The order of a full run: small, fast suites first.
TARGETS = (
    Target(
        "AtomicSwap",
        "contracts/swap/AtomicSwap.sol",
        ("tests/swap", "tests/e2e/test_atomic_swap_two_chains.py"),
    ),
    Target("AssetProxy", "contracts/proxy/AssetProxy.sol", ("tests/proxy",)),
    Target("TokenRegistry", "contracts/registry/TokenRegistry.sol", ("tests/registry",)),
    Target("IdentityRegistry", "contracts/identity/IdentityRegistry.sol", ("tests/identity",)),
    Target("OTCToken", "contracts/token/OTCToken.sol", ("tests/token",)),
    Target(
        "SingleArbitrator",
        "contracts/arbitration/SingleArbitrator.sol",
        ("tests/arbitration", "tests/e2e/test_escrow_erc792_arbitrators.py"),
    ),
    Target(
        "PrevrandaoRandomness",
        "contracts/court/PrevrandaoRandomness.sol",
        ("tests/court/test_randomness.py", "tests/court/test_drawing.py"),
    ),
    Target(
        "Governed",
        "contracts/governance/Governed.sol",
        ("tests/registry", "tests/proxy", "tests/identity", "tests/token"),
        part_of=(
            "TokenRegistry",
            "AssetProxy",
            "IdentityRegistry",
            "OTCToken",
            "OTCEscrow",
            "JurorCourt",
        ),
        rebuild=(
            "contracts/registry/TokenRegistry.sol",
            "contracts/proxy/AssetProxy.sol",
            "contracts/identity/IdentityRegistry.sol",
            "contracts/token/OTCToken.sol",
        ),
    ),
    Target("OTCGovernor", "contracts/governance/OTCGovernor.sol", GOVERNANCE_TESTS),
    Target("OTCTimelock", "contracts/governance/OTCTimelock.sol", GOVERNANCE_TESTS),
    Target(
        "Transfers",
        "contracts/libraries/Transfers.sol",
        ("tests/swap", "tests/arbitration", *ESCROW_TESTS),
        part_of=("AtomicSwap", "SingleArbitrator", "OTCEscrow", "OTCEscrowExtension", "JurorCourt"),
    ),
    Target("OTCEscrow", "contracts/escrow/OTCEscrow.sol", ESCROW_TESTS),
    Target("OTCEscrowExtension", "contracts/escrow/OTCEscrowExtension.sol", ESCROW_TESTS),
    Target(
        "OTCEscrowStorage",
        "contracts/escrow/OTCEscrowStorage.sol",
        ESCROW_TESTS,
        part_of=("OTCEscrow", "OTCEscrowExtension"),
    ),
    Target(
        "Delegation",
        "contracts/libraries/Delegation.sol",
        ("tests/escrow", *COURT_TESTS),
        part_of=("OTCEscrow", "JurorCourt"),
    ),
    Target("JurorCourt", "contracts/court/JurorCourt.sol", COURT_TESTS),
    Target("JurorCourtExtension", "contracts/court/JurorCourtExtension.sol", COURT_TESTS),
    Target(
        "JurorCourtStorage",
        "contracts/court/JurorCourtStorage.sol",
        COURT_TESTS,
        part_of=("JurorCourt", "JurorCourtExtension"),
    ),
    Target(
        "SortitionTree",
        "contracts/libraries/SortitionTree.sol",
        ("tests/libraries", *COURT_TESTS),
        part_of=("JurorCourt", "JurorCourtExtension"),
    ),
    Target(
        "StakingLedger",
        "contracts/libraries/StakingLedger.sol",
        COURT_TESTS,
        part_of=("JurorCourt", "JurorCourtExtension"),
    ),
    Target(
        "SeatBook",
        "contracts/libraries/SeatBook.sol",
        COURT_TESTS,
        part_of=("JurorCourt", "JurorCourtExtension"),
    ),
    Target("VoteTally", "contracts/libraries/VoteTally.sol", COURT_TESTS, part_of=("JurorCourt",)),
)
BY_NAME = {t.name: t for t in TARGETS}
DEPLOYABLES = tuple(t.name for t in TARGETS if not t.part_of)


# ---------------------------------------------------------------- bookkeeping


def load_json(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def save_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def measured_on() -> str:
    """The commit under test, marked `+changes` when contracts or tests differ from it."""
    head = git("rev-parse", "--short=12", "HEAD")
    dirty = git("status", "--porcelain", "--", "contracts", "tests")
    return f"{head}+changes" if dirty else head


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- mutant generation


def slither_units(targets: list[Target]):
    """The targets compiled once through the shim (one standard-JSON input), as slither sees
    them."""
    from crytic_compile import CryticCompile
    from crytic_compile.platform.solc_standard_json import SolcStandardJson
    from slither import Slither

    scope = WORK / "scope"
    scope.mkdir(parents=True, exist_ok=True)
    imports = "\n".join(f'import "{t.source}";' for t in targets)
    (scope / "Scope.sol").write_text(
        f"// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n{imports}\n"
    )
    standard_json = SolcStandardJson()
    standard_json.add_source_files([str((scope / "Scope.sol").relative_to(ROOT))])
    compiled = CryticCompile(standard_json, solc=str(solc_path()), solc_remaps=" ".join(REMAPPINGS))
    return Slither(compiled)


def generate(slither, target: Target) -> list[dict]:
    """Every mutant slither's mutators propose for the target's own source file, in
    slither-mutate's order, each with a key that stays stable while other functions change."""
    from slither.tools.mutator.mutators import all_mutators
    from slither.tools.mutator.mutators.abstract_mutator import AbstractMutator

    classes = [
        c
        for c in vars(all_mutators).values()
        if isinstance(c, type) and issubclass(c, AbstractMutator) and c is not AbstractMutator
    ]
    classes.sort(
        key=lambda c: (FIRST_MUTATORS.index(c.NAME) if c.NAME in FIRST_MUTATORS else 9, c.NAME)
    )
    path = str(ROOT / target.source)
    contract = next(
        c
        for unit in slither.compilation_units
        for c in unit.contracts
        if c.name == target.name and c.source_mapping.filename.absolute == path
    )
    unit = contract.compilation_unit
    functions = [
        (f.source_mapping.start, f.source_mapping.start + f.source_mapping.length, f.name)
        for f in contract.functions_and_modifiers_declared
    ]
    text = slither.source_code[path].encode()
    mutants: list[dict] = []
    seen: dict[str, int] = {}
    for cls in classes:
        mutator = cls(unit, 0, "", "", contract, None, False, WORK / "campaign", [])
        try:
            patches = mutator._mutate().get("patches", {}).get(path, [])  # noqa: SLF001
        except Exception as error:  # noqa: BLE001 - slither-mutate skips a failing mutator too
            print(f"{target.name}: mutator {cls.NAME} failed ({error!r}); skipped")
            continue
        for patch in sorted(patches, key=lambda p: p["start"]):
            if not _aligned(text, patch):
                print(
                    f"{target.name}: {cls.NAME} patch at line {patch['line_number']} does not match"
                )
                continue
            enclosing = [(e - s, n) for s, e, n in functions if s <= patch["start"] < e]
            where = min(enclosing)[1] if enclosing else "?"
            change = f"{_headline(patch['old_string'])!r} -> {_headline(patch['new_string'])!r}"
            key = f"{target.name}.{where} {cls.NAME}: {change}"
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key += f" #{seen[key]}"
            mutants.append(
                {
                    "key": key,
                    "mutator": cls.NAME,
                    "line": patch["line_number"],
                    "start": patch["start"],
                    "end": patch["end"],
                    "old": patch["old_string"],
                    "new": patch["new_string"],
                }
            )
    return mutants


def _headline(code: str) -> str:
    """A mutated piece of code on one line: a whole function (FHR's) by its header."""
    if "\n" not in code:
        return code
    return " ".join(code.split("{", 1)[0].split()) + " { ... }"


def _aligned(text: bytes, patch: dict) -> bool:
    """Whether the patch replaces exactly its old string, after a repair. In slither 0.11.6,
    FHR (function header replacement) gives the whole function as old and new string but ends
    the range at the function's `{`, and ROR (relational operator replacement) gives the whole
    statement (`return a == b`) but the range of the comparison alone; applied as they are,
    both paste text twice. The range is moved to where the old string stands around it, as
    the strings intend."""
    old = patch["old_string"].encode()
    start, end = patch["start"], patch["end"]
    if text[start:end] == old:
        return True
    at = text.rfind(old, max(0, end - len(old)), start + len(old))
    if at == -1 or at > start or at + len(old) < end:
        return False
    patch["start"], patch["end"] = at, at + len(old)
    return True


# ---------------------------------------------------------------- compiling and testing


def solc_path() -> Path:
    version = json.loads((ROOT / "node_modules" / "solc" / "package.json").read_text())["version"]
    return SOLCX_DIR / f"solc-v{version}"


def install_solc() -> None:
    env = {**os.environ, "SOLCX_BINARY_PATH": str(SOLCX_DIR)}
    subprocess.run(
        ["sh", "tools/install-solc.sh"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def compiles(source: str) -> tuple[bool, str]:
    """Type-checks the (mutated) file through the shim with a standard-JSON input."""
    request = {
        "language": "Solidity",
        "sources": {source: {"content": (ROOT / source).read_text()}},
        "settings": {
            "remappings": REMAPPINGS,
            "evmVersion": "cancun",
            "outputSelection": {source: {"*": ["abi"]}},
        },
    }
    out = subprocess.run(
        ["nice", "-n", "19", str(solc_path()), "--standard-json", "--base-path", str(ROOT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    try:
        errors = [e for e in json.loads(out.stdout).get("errors", []) if e["severity"] == "error"]
    except json.JSONDecodeError:
        return False, out.stderr.strip()[-300:]
    return not errors, "; ".join(e["message"] for e in errors)[:300]


IMPORT = re.compile(r'^import\s+[^;]*?"([^"]+)"\s*;', re.MULTILINE)


def importers(source: str) -> list[str]:
    """Every contract file under contracts/ that imports `source`, directly or not. ape
    recompiles a changed file but not the files that import it, so these are recompiled by
    force around each mutant of a library or base."""
    files = [f for f in (ROOT / "contracts").rglob("*.sol") if ".cache" not in f.parts]
    imported_by: dict[Path, set[Path]] = {}
    for f in files:
        for path in IMPORT.findall(f.read_text()):
            if path.startswith("."):
                imported_by.setdefault((f.parent / path).resolve(), set()).add(f)
    found: set[Path] = set()
    todo = [(ROOT / source).resolve()]
    while todo:
        for f in imported_by.get(todo.pop(), ()):
            if f not in found:
                found.add(f)
                todo.append(f)
    return sorted(str(f.relative_to(ROOT)) for f in found)


def ape_env() -> dict[str, str]:
    return {
        **os.environ,
        "SOLCX_BINARY_PATH": str(SOLCX_DIR),
        "HYPOTHESIS_PROFILE": os.environ.get("HYPOTHESIS_PROFILE", "ci"),
    }


def force_compile(files: list[str]) -> tuple[bool, str]:
    """`ape compile -f` of the files (the mutated one and its importers)."""
    out = subprocess.run(
        ["nice", "-n", "19", str(Path(sys.executable).parent / "ape"), "compile", "-f", *files],
        cwd=ROOT,
        env=ape_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    text = out.stdout + out.stderr
    error = re.search(r"\((?:SolcCompileError|CompilerError)\)\s*(.*)", text)
    if error:
        return False, error.group(1).strip()[:300]
    if out.returncode != 0:
        # Not the compiler's verdict (ape or the shim failed): never counted as not compiling.
        raise CompileCrashError(text[-300:])
    return True, ""


class CompileCrashError(Exception):
    pass


def test_files(selection: tuple[str, ...]) -> list[str]:
    """The selection's test files, property suites last (they are the slowest to fail)."""
    files: list[str] = []
    for entry in selection:
        path = ROOT / entry
        found = sorted(path.glob("test_*.py")) if path.is_dir() else [path]
        files += [str(f.relative_to(ROOT)) for f in found]
    return sorted(dict.fromkeys(files), key=lambda f: "properties" in f)


def run_tests(files: list[str], timeout: float | None) -> tuple[str, str, float]:
    """Runs the files with ape under `nice`; returns (passed|failed|timeout|compile-error,
    the first failing test, seconds)."""
    command = [
        "nice",
        "-n",
        "19",
        str(Path(sys.executable).parent / "ape"),
        "test",
        "--network",
        NETWORK,
        "-p",
        "no:cacheprovider",
        "-x",
        "-q",
        "-rfE",
        *files,
    ]
    env = ape_env()
    start = time.monotonic()
    try:
        out = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        return "timeout", "", time.monotonic() - start
    seconds = time.monotonic() - start
    text = out.stdout + out.stderr
    # ape reports a failed compilation and runs the tests on the last build: never a pass.
    if "CompilerError" in text or "SolcCompileError" in text:
        return "compile-error", "", seconds
    if out.returncode == 0:
        return "passed", "", seconds
    failed = re.search(r"^(?:FAILED|ERROR) (\S+)", out.stdout, re.MULTILINE)
    return "failed", failed.group(1) if failed else f"exit {out.returncode}", seconds


class RunInterruptedError(Exception):
    pass


def _on_term(signum, frame):  # noqa: ARG001
    raise RunInterruptedError


def backup_path(source: str) -> Path:
    return WORK / "backup" / source


def restore_backups() -> None:
    """Puts back any source a previous run left mutated (killed in the middle of a mutant)."""
    root = WORK / "backup"
    if not root.exists():
        return
    for saved in root.rglob("*.sol"):
        original = ROOT / saved.relative_to(root)
        original.write_bytes(saved.read_bytes())
        saved.unlink()
        print(f"restored {original.relative_to(ROOT)} from an interrupted run")


def try_mutant(target: Target, mutant: dict, original: bytes, timeout: float) -> dict:
    source = ROOT / target.source
    saved = backup_path(target.source)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_bytes(original)
    source.write_bytes(
        original[: mutant["start"]] + mutant["new"].encode() + original[mutant["end"] :]
    )
    try:
        ok, message = compiles(target.source)
        if ok:
            try:
                ok, message = force_compile([target.source, *target.dependents()])
            except CompileCrashError:
                try:  # once more: a crash of the tool, not a verdict on the mutant
                    ok, message = force_compile([target.source, *target.dependents()])
                except CompileCrashError as crash:
                    return {"status": "error", "detail": str(crash), "seconds": 0.0}
        if not ok:
            return {"status": "not-compiling", "detail": message, "seconds": 0.0}
        total = 0.0
        for selection in selections(target):
            outcome, failed, seconds = run_tests(selection, timeout)
            total += seconds
            if outcome == "compile-error":
                return {"status": "not-compiling", "detail": "ape compile", "seconds": total}
            if outcome == "timeout":
                return {"status": "killed", "killed_by": "time-out", "seconds": total}
            if outcome == "failed":
                return {"status": "killed", "killed_by": failed, "seconds": total}
        return {"status": "survived", "seconds": total}
    finally:
        source.write_bytes(original)
        saved.unlink()


def restore_build(targets: list[Target]) -> None:
    """Compiles the targets and their importers from the restored sources."""
    files = sorted({f for t in targets for f in [t.source, *t.dependents()]})
    try:
        ok, message = force_compile(files)
    except CompileCrashError as crash:
        ok, message = False, str(crash)
    if not ok:
        print(f"could not rebuild {files}: {message}; run `ape compile -f`", file=sys.stderr)


def selections(target: Target) -> list[list[str]]:
    """The test runs for a mutant: one run of the target's whole selection (for a library or
    base, the suites of every deployable that uses it, in one run)."""
    return [test_files(target.tests)]


# ---------------------------------------------------------------- the campaign


def campaign(names: list[str], retest: bool, limit: int | None) -> int:
    install_solc()
    restore_backups()
    results = load_json(RESULTS)
    contracts = results.setdefault("contracts", {})
    slither = slither_units([BY_NAME[n] for n in names])
    previous = signal.signal(signal.SIGTERM, _on_term)
    rebuild: list[Target] = []  # targets whose importers hold a mutant's build
    try:
        for name in names:
            target = BY_NAME[name]
            source = ROOT / target.source
            original = source.read_bytes()
            digest = sha256(source)
            entry = contracts.get(name)
            if entry is None or entry.get("source_sha256") != digest:
                entry = contracts[name] = {
                    "source": target.source,
                    "source_sha256": digest,
                    "part_of": list(target.part_of),
                    "tests": list(target.tests),
                    "hypothesis_profile": os.environ.get("HYPOTHESIS_PROFILE", "ci"),
                    "mutants": {},
                }
            mutants = generate(slither, target)
            entry["generated"] = len(mutants)
            keys = {m["key"] for m in mutants}
            done = entry["mutants"] = {k: v for k, v in entry["mutants"].items() if k in keys}
            todo = [
                m
                for m in mutants
                if m["key"] not in done
                or done[m["key"]]["status"] == "error"
                or (retest and done[m["key"]]["status"] == "survived")
            ]
            print(f"{name}: {len(mutants)} mutants, {len(todo)} to run", flush=True)
            if not todo:
                continue
            baseline = entry.get("baseline_seconds")
            if baseline is None or retest:
                runs = [run_tests(files, None) for files in selections(target)]
                if any(outcome != "passed" for outcome, _, _ in runs):
                    print(f"{name}: the unmutated suite fails ({runs}); skipped", file=sys.stderr)
                    continue
                baseline = entry["baseline_seconds"] = round(sum(s for _, _, s in runs), 1)
                save_json(RESULTS, results)
            timeout = max(MIN_TIMEOUT_S, TIMEOUT_FACTOR * baseline)
            rebuild.append(target)
            for i, mutant in enumerate(todo[:limit] if limit else todo, 1):
                outcome = try_mutant(target, mutant, original, timeout)
                record = {
                    **{k: mutant[k] for k in ("mutator", "line", "old", "new")},
                    **outcome,
                    "seconds": round(outcome["seconds"], 1),
                    "commit": measured_on(),
                }
                done[mutant["key"]] = record
                save_json(RESULTS, results)
                print(
                    f"  [{i}/{len(todo)}] {record['status']:<13} {mutant['key']}"
                    f" ({record['seconds']} s)",
                    flush=True,
                )
            # The next target's tests must not meet this target's last mutant in a build.
            restore_build([target])
            rebuild.remove(target)
    except (KeyboardInterrupt, RunInterruptedError):
        print("interrupted: the results so far are kept; run again to continue", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
        # The build of the importers is a mutant's: compile them again from the restored sources.
        if rebuild:
            restore_build(rebuild)
        write_report()
    return 0


# ---------------------------------------------------------------- the report


def tally(name: str, results: dict, equivalents: dict) -> dict | None:
    entry = results.get("contracts", {}).get(name)
    if entry is None:
        return None
    marked = equivalents.get(name, {})
    counts = {
        "generated": entry.get("generated", 0),
        "run": sum(1 for m in entry["mutants"].values() if m["status"] != "error"),
    }
    for status in ("not-compiling", "killed", "survived"):
        counts[status] = sum(1 for m in entry["mutants"].values() if m["status"] == status)
    counts["equivalent"] = sum(
        1 for k, m in entry["mutants"].items() if m["status"] == "survived" and k in marked
    )
    counts["commits"] = sorted({m["commit"] for m in entry["mutants"].values()})
    return counts


def rate(killed: int, survived: int, equivalent: int) -> str:
    relevant = killed + survived - equivalent
    return f"{100 * killed / relevant:.1f}%" if relevant else "-"


def write_report() -> None:
    results = load_json(RESULTS)
    equivalents = load_json(EQUIVALENTS)
    lines = [
        "# Mutation testing",
        "",
        "Rendered by `make mutate` (`python -m openotc.devtools.mutate`) from",
        "`audits/mutation.json` (every mutant, its outcome and the commit it was measured",
        "on) and `audits/mutation-equivalents.json` (the survivors that cannot change",
        "behaviour, each with its reason). Mutants come from slither-analyzer 0.11.6's",
        "mutators; each runs against its subsystem's tests (`ape test -x`, hypothesis",
        "profile `ci`); see the module's docstring for the rules. Kill rate = killed /",
        "(generated - not compiling - equivalent); the gate is 90% for every deployable, its",
        "libraries and bases included (the `with libraries` column).",
        "",
        "| contract | part of | generated | run | not compiling | killed | survived | equivalent"
        " | kill rate | with libraries | measured on |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    tallies = {t.name: tally(t.name, results, equivalents) for t in TARGETS}
    for target in TARGETS:
        c = tallies[target.name]
        part_of = ", ".join(target.part_of) or "-"
        if c is None:
            lines.append(f"| {target.name} | {part_of} | not run | | | | | | | | |")
            continue
        combined = "-"
        if not target.part_of:
            parts = [c] + [tallies[t.name] for t in TARGETS if target.name in t.part_of]
            if all(p is not None and p["run"] == p["generated"] for p in parts):
                combined = rate(
                    sum(p["killed"] for p in parts),
                    sum(p["survived"] for p in parts),
                    sum(p["equivalent"] for p in parts),
                )
            else:
                combined = "libraries not all run"
        lines.append(
            f"| {target.name} | {part_of} | {c['generated']} | {c['run']} | {c['not-compiling']}"
            f" | {c['killed']} | {c['survived']} | {c['equivalent']}"
            f" | {rate(c['killed'], c['survived'], c['equivalent'])} | {combined}"
            f" | {', '.join(c['commits'])} |"
        )
    lines += ["", "## Survivors", ""]
    for target in TARGETS:
        entry = results.get("contracts", {}).get(target.name)
        if entry is None:
            continue
        survivors = [(k, m) for k, m in entry["mutants"].items() if m["status"] == "survived"]
        if not survivors:
            continue
        lines += [f"### {target.name}", ""]
        for key, m in survivors:
            reason = equivalents.get(target.name, {}).get(key)
            verdict = f"equivalent: {reason}" if reason else "**not yet killed by a test**"
            lines.append(f"- line {m['line']}, `{key}`: {verdict}")
        lines.append("")
    errors = [
        f"- `{key}`: {m.get('detail', '').splitlines()[-1] if m.get('detail') else ''}"
        for entry in results.get("contracts", {}).values()
        for key, m in entry["mutants"].items()
        if m["status"] == "error"
    ]
    if errors:
        lines += ["## Not run: the tools failed (run again by the next `make mutate`)", "", *errors]
    REPORT.write_text("\n".join(lines).rstrip() + "\n")


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("contracts", nargs="*", help="targets (default: all, in order)")
    parser.add_argument("--list", action="store_true", help="list targets and mutant counts")
    parser.add_argument("--retest", action="store_true", help="run the survivors again")
    parser.add_argument("--limit", type=int, help="run at most this many mutants per target")
    parser.add_argument("--report", action="store_true", help="only render audits/mutation.md")
    args = parser.parse_args(argv)
    unknown = [n for n in args.contracts if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown target(s) {unknown}; known: {', '.join(BY_NAME)}")
    names = args.contracts or [t.name for t in TARGETS]
    if args.report:
        write_report()
        return 0
    if args.list:
        install_solc()
        slither = slither_units([BY_NAME[n] for n in names])
        for name in names:
            target = BY_NAME[name]
            print(
                f"{name:<22} {len(generate(slither, target)):>4} mutants  {' '.join(target.tests)}"
            )
        return 0
    return campaign(names, args.retest, args.limit)


if __name__ == "__main__":
    sys.exit(main())
