"""Every Python mirror of a contract constant equals what the deployed contract says.

The SDK repeats a few of the contracts' values (the escrow's bond ratio, price decimals and
fee window, the rulings, the identity registry's top level and volume period, the trade and
court enums, the EIP-712 domains, the timelock roles); each is checked here against the
contract deployed by `openotc.deployment.deploy`: a public constant or view where the
contract has one, and otherwise the interface the contract's ABI names.

Mirrors without a public getter yet, checked only through the tests of the behaviour that
uses them: `openotc.units.BPS` (the file-level `BPS` of contracts/libraries/Constants.sol,
which no contract exposes). The court's lock per seat and appeal seats are not mirrored: the
SDK reads `lockPerSeat()` and `appealSeats()` from the court.
"""

import re
from pathlib import Path

import pytest

from openotc import court as court_sdk
from openotc import escrow as escrow_sdk
from openotc import identity as identity_sdk
from openotc import swap as swap_sdk
from openotc.deployment import deploy
from openotc.deployment.deploy import Deployer, deploy_court, deploy_escrow, deploy_swap
from openotc.deployment.params import CourtParams
from openotc.governance import ABSTAIN, AGAINST, FOR

INTERFACES = Path(__file__).resolve().parents[2] / "interfaces"

# (role of the deployed contract, its public getter, the Python mirror)
CONSTANTS = [
    ("escrow", "BOND_BPS", escrow_sdk.BOND_BPS),
    ("escrow", "PRICE_DECIMALS", escrow_sdk.PRICE_DECIMALS),
    ("escrow", "RULING_OPTIONS", len(escrow_sdk.Ruling) - 1),  # choices besides 0 (refused)
    ("escrow", "RULING_REFUSED", escrow_sdk.Ruling.REFUSED),
    ("escrow", "RULING_BUYER_WINS", escrow_sdk.Ruling.BUYER_WINS),
    ("escrow", "RULING_SELLER_WINS", escrow_sdk.Ruling.SELLER_WINS),
    ("escrow", "FEE_WINDOW", escrow_sdk.FEE_WINDOW),
    ("identity", "MAX_LEVEL", identity_sdk.MAX_LEVEL),
    ("identity", "VOLUME_PERIOD", identity_sdk.VOLUME_PERIOD),
    ("timelock", "DEFAULT_ADMIN_ROLE", deploy.DEFAULT_ADMIN_ROLE),
    ("timelock", "PROPOSER_ROLE", deploy.PROPOSER_ROLE),
    ("timelock", "EXECUTOR_ROLE", deploy.EXECUTOR_ROLE),
    ("timelock", "CANCELLER_ROLE", deploy.CANCELLER_ROLE),
]

# (role, the interface declaring the enum, the enum's name, the Python mirror)
ENUMS = [
    ("escrow", "IOTCEscrow", "Side", escrow_sdk.Side),
    ("escrow", "IOTCEscrow", "Status", escrow_sdk.Status),
    ("court", "IJurorCourt", "Period", court_sdk.Period),
]

# (role, the SDK module whose DOMAIN_NAME and DOMAIN_VERSION sign for that contract)
DOMAINS = [
    ("escrow", escrow_sdk),
    ("identity", identity_sdk),
    ("swap", swap_sdk),
]


@pytest.fixture
def deployed(project, chain, deployer, foundation, treasury) -> dict:
    """Every deployable by role, as `ape run deploy` deploys it (the escrow on the court)."""
    deployer_ = Deployer(project, chain, deployer, log=lambda _: None)
    court_layer = deploy_court(deployer_, foundation, treasury.address, CourtParams())
    escrow_layer = deploy_escrow(
        deployer_, foundation, treasury.address, arbitrator=court_layer.court
    )
    return {
        **foundation.by_name(),
        **court_layer.by_name(),
        **escrow_layer.by_name(),
        "swap": deploy_swap(deployer_),
    }


def solidity_enum(interface: str, name: str) -> list[str]:
    """The members of `enum <name>` in interfaces/<interface>.sol, in declaration order."""
    source = (INTERFACES / f"{interface}.sol").read_text()
    body = re.search(rf"\benum {name}\s*\{{(.*?)\}}", source, re.DOTALL).group(1)
    body = re.sub(r"//[^\n]*", "", body)
    return [member.strip() for member in body.split(",") if member.strip()]


def upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


@pytest.mark.parametrize(("role", "getter", "mirror"), CONSTANTS, ids=lambda v: str(v)[:20])
def test_constant_mirror__equals_the_deployed_contracts_constant(deployed, role, getter, mirror):
    assert getattr(deployed[role], getter)() == mirror


@pytest.mark.parametrize(("role", "interface", "name", "mirror"), ENUMS, ids=lambda v: str(v))
def test_enum_mirror__lists_the_members_of_the_contracts_enum_in_order(
    deployed, role, interface, name, mirror
):
    abi = deployed[role].contract_type.model_dump_json(by_alias=True)
    assert f"enum {interface}.{name}" in abi  # the deployed contract uses this declaration

    members = solidity_enum(interface, name)

    assert [(upper_snake(m), i) for i, m in enumerate(members)] == [
        (member.name, member.value) for member in mirror
    ]


@pytest.mark.parametrize(("role", "sdk"), DOMAINS, ids=lambda v: getattr(v, "__name__", v))
def test_eip712_domain_mirror__equals_the_contracts_eip712_domain(deployed, chain, role, sdk):
    domain = deployed[role].eip712Domain()

    assert (domain.name, domain.version) == (sdk.DOMAIN_NAME, sdk.DOMAIN_VERSION)
    assert (domain.chainId, domain.verifyingContract) == (chain.chain_id, deployed[role].address)


def test_vote_types_mirror__governor_counts_bravo_style(deployed):
    """GovernorCountingSimple's `support=bravo`: 0 against, 1 for, 2 abstain."""
    assert deployed["governor"].COUNTING_MODE().startswith("support=bravo")
    assert (AGAINST, FOR, ABSTAIN) == (0, 1, 2)
