"""`make slither`: runs slither over OpenOTC's own contracts and fails on any High or Medium
finding that is not triaged, with a written reason, in `audits/slither-triage.json`.

The contracts are handed to slither as one solc standard-JSON input (sources under
`contracts/`, minus test-only contracts in `contracts/test/`), compiled by the project's solc
shim, so nothing is downloaded. Findings in dependencies (OpenZeppelin) are filtered out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # openotc/devtools/slither_gate.py -> the repository
TRIAGE = ROOT / "audits" / "slither-triage.json"
EXPORT = ROOT / "crytic-export"
GATED_IMPACTS = {"High", "Medium"}
REMAPPINGS = [
    "@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/",
    "@kleros/erc-792/=node_modules/@kleros/erc-792/",
    "@chainlink/contracts/=node_modules/@chainlink/contracts/",
]


def solc_version() -> str:
    package = json.loads((ROOT / "node_modules" / "solc" / "package.json").read_text())
    return package["version"]


def solc_path() -> Path:
    import solcx

    return Path(solcx.get_solcx_install_folder()) / f"solc-v{solc_version()}"


def sources() -> list[Path]:
    files = sorted((ROOT / "contracts").rglob("*.sol"))
    return [
        f
        for f in files
        if "test" not in f.relative_to(ROOT / "contracts").parts[:1] and ".cache" not in f.parts
    ]


def write_entry(directory: Path) -> None:
    """One file importing every contract in scope, so slither compiles them as one unit
    (its directory mode does not descend into sub-folders)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.sol"):
        stale.unlink()
    imports = "\n".join(f'import "{f.relative_to(ROOT)}";' for f in sources())
    (directory / "Scope.sol").write_text(f"// SPDX-License-Identifier: MIT\n{imports}\n")


def finding_key(result: dict) -> str:
    """A stable identity for a finding: detector plus the first element it names."""
    first = result["elements"][0] if result.get("elements") else {}
    where = first.get("name", "")
    parent = first.get("type_specific_fields", {}).get("parent", {}).get("name", "")
    return f"{result['check']}:{parent + '.' if parent else ''}{where}"


def run() -> int:
    EXPORT.mkdir(exist_ok=True)
    scope_dir = EXPORT / "slither-scope"
    output_path = EXPORT / "slither-output.json"
    write_entry(scope_dir)
    output_path.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).parent / "slither"),
        str(scope_dir.relative_to(ROOT)),
        "--solc",
        str(solc_path()),
        "--solc-standard-json",
        "--solc-remaps",
        " ".join(REMAPPINGS),
        "--filter-paths",
        "node_modules|crytic-export",
        "--json",
        str(output_path),
    ]
    subprocess.run(command, cwd=ROOT, check=False)
    if not output_path.exists():
        print("slither produced no report: compilation failed", file=sys.stderr)
        return 2
    report = json.loads(output_path.read_text())
    if not report.get("success"):
        print(f"slither failed: {report.get('error')}", file=sys.stderr)
        return 2
    triaged = json.loads(TRIAGE.read_text()) if TRIAGE.exists() else {}
    results = report.get("results", {}).get("detectors", [])
    gated = [r for r in results if r["impact"] in GATED_IMPACTS]
    untriaged = [r for r in gated if finding_key(r) not in triaged]

    print(
        f"\nslither: {len(results)} finding(s), {len(gated)} High/Medium, "
        f"{len(gated) - len(untriaged)} of those triaged in {TRIAGE.relative_to(ROOT)}"
    )
    for r in gated:
        key = finding_key(r)
        mark = "triaged" if key in triaged else "UNTRIAGED"
        print(f"  [{r['impact']}] {mark}: {key}")
        if key in triaged:
            print(f"      reason: {triaged[key]}")
        else:
            print("      " + r["description"].strip().replace("\n", "\n      "))
    return 1 if untriaged else 0


if __name__ == "__main__":
    sys.exit(run())
