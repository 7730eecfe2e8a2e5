"""Explorer verification of a deployment: `ape run deploy --verify`.

For every contract in the deployment record, the request an Etherscan-style explorer takes
(`module=contract&action=verifysourcecode`) is built from what produced the deployed code: the
standard-JSON compiler input ape-solidity compiles the project with (every source, same source
ids, same remappings, same optimizer and EVM settings), the compiler's full version, and the
constructor arguments recorded at deployment (checked against the creation transaction when its
hash is known). ape-etherscan's client submits it.

Verification never stops a deployment: each contract's outcome is reported on its own line, and
a failure to reach the explorer names the contract, the explorer's address and the error. The
same command run again (it resumes, deploying nothing) retries the verification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from openotc.deployment.records import DeploymentRecord

# SPDX identifier -> Etherscan's license number (the ones the project's sources use).
LICENSES = {"UNLICENSED": 2, "MIT": 3, "GPL-3.0": 5, "AGPL-3.0": 13}


class VerificationError(Exception):
    """The request could not be built: the recorded deployment does not match the project."""


@dataclass(frozen=True)
class VerificationRequest:
    """What the explorer needs to recompile a deployed contract and match its code."""

    address: str
    contract_name: str  # "<source id>:<contract>", as standard-JSON verification names it
    compiler_version: str  # "v0.8.28+commit.7893614a"
    standard_json: dict  # the compiler input, sources included
    constructor_arguments: str  # ABI-encoded, hex without 0x
    optimization_used: bool
    optimization_runs: int
    evm_version: str
    license_type: int | None


def compiler_input(project) -> dict:
    """The standard-JSON input ape compiles the project's contracts from: every source, as one
    compilation (the metadata hash at the end of each contract's code covers the whole input,
    so only that input reproduces the code exactly)."""
    solidity = project.compiler_manager.registered_compilers[".sol"]
    sources = [path for path in project.sources.paths if path.suffix == ".sol"]
    return next(iter(solidity.get_standard_input_json(sources, project=project).values()))


def build_request(
    project, chain, name: str, entry: dict, standard_json: dict | None = None
) -> VerificationRequest:
    """The request for the contract recorded as `name` and `entry` (address, tx_hash,
    constructor_args, and its contract type if not `name`) in the deployment record;
    `standard_json` is `compiler_input(project)` (computed here if not given: it is the same
    for every contract)."""
    name = entry.get("contract_type", name)
    container = getattr(project, name)
    contract_type = container.contract_type
    source_id = contract_type.source_id
    compiler = project.manifest.get_contract_compiler(name)
    if compiler is None or source_id is None:
        raise VerificationError(f"{name}: not compiled in this project")
    standard_json = standard_json or compiler_input(project)
    settings = standard_json["settings"]
    arguments = bytes(container.constructor.encode_input(*entry["constructor_args"]))
    if entry.get("tx_hash"):
        creation = bytes(chain.provider.web3.eth.get_transaction(entry["tx_hash"])["input"])
        if not creation.endswith(arguments):
            raise VerificationError(f"{name}: recorded arguments differ from its creation")
    header = (project.path / source_id).read_text().splitlines()[0]
    spdx = header.partition("SPDX-License-Identifier:")[2].strip()
    return VerificationRequest(
        address=entry["address"],
        contract_name=f"{source_id}:{name}",
        compiler_version=f"v{compiler.version}",
        standard_json=standard_json,
        constructor_arguments=arguments.hex(),
        optimization_used=settings["optimizer"]["enabled"],
        optimization_runs=settings["optimizer"]["runs"],
        evm_version=settings["evmVersion"],
        license_type=LICENSES.get(spdx),
    )


def submit(request: VerificationRequest, explorer) -> str:
    """Sends `request` to the connected network's explorer (ape-etherscan); returns the
    explorer's receipt id (a GUID to poll)."""
    if explorer is None:
        raise ConnectionError("no explorer for this network")
    client = explorer._client_factory.get_contract_client(request.address)  # noqa: SLF001
    return client.verify_source_code(
        request.standard_json,
        request.compiler_version,
        contract_name=request.contract_name,
        optimization_used=request.optimization_used,
        optimization_runs=request.optimization_runs,
        constructor_arguments=request.constructor_arguments,
        evm_version=request.evm_version,
        license_type=request.license_type,
    )


def verify_deployment(
    project,
    chain,
    record: DeploymentRecord,
    explorer,
    log: Callable[[str], None] = print,
    unreachable: str | None = None,
) -> dict[str, str]:
    """Builds and submits the request of every recorded contract; returns contract type ->
    outcome ("submitted <guid>", or "failed: <reason>"). Never raises for an explorer error.
    `unreachable` is why the explorer could not be found, if it could not."""
    where = _explorer_address(explorer) if unreachable is None else unreachable
    outcomes = {}
    standard_json = None
    for name, entry in record.contracts.items():
        try:
            standard_json = standard_json or compiler_input(project)
            request = build_request(project, chain, name, entry, standard_json)
        except Exception as error:  # noqa: BLE001 - reported; the other contracts go on
            outcomes[name] = f"failed: request not built ({_reason(error)})"
        else:
            try:
                outcomes[name] = f"submitted {submit(request, explorer)}"
            except Exception as error:  # noqa: BLE001 - any explorer or network failure
                outcomes[name] = f"failed: explorer not reached ({where}; {_reason(error)})"
        log(f"  verify {name:<20} {outcomes[name]}")
    return outcomes


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"


def _explorer_address(explorer) -> str:
    if explorer is None:
        return "none for this network"
    try:
        return explorer.etherscan_api_uri
    except Exception as error:  # noqa: BLE001 - resolving the address itself may need the network
        return f"address unknown: {_reason(error)}"
