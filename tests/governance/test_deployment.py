"""The foundation as `openotc.deployment.deploy.deploy_foundation` leaves it.

Roles on the timelock (see openotc/deployment/deploy.py): PROPOSER and CANCELLER to the governor,
CANCELLER (only) to the guardian, EXECUTOR open to everyone (address 0), DEFAULT_ADMIN held by
the timelock alone; the deployer keeps nothing. Every Governed contract obeys the timelock.
"""

from collections import defaultdict

import pytest

from openotc.deployment.deploy import (
    CANCELLER_ROLE,
    DEFAULT_ADMIN_ROLE,
    EXECUTOR_ROLE,
    PROPOSER_ROLE,
    Deployer,
    deploy_foundation,
)
from openotc.deployment.params import TOKEN_UNIT
from openotc.deployment.records import DeploymentRecord
from openotc.units import ZERO_ADDRESS

ROLE_NAMES = {
    DEFAULT_ADMIN_ROLE: "DEFAULT_ADMIN_ROLE",
    PROPOSER_ROLE: "PROPOSER_ROLE",
    EXECUTOR_ROLE: "EXECUTOR_ROLE",
    CANCELLER_ROLE: "CANCELLER_ROLE",
}
GOVERNED = ["token", "registry", "proxy", "identity"]


def role_members(timelock, chain) -> dict[str, set[str]]:
    """Who holds each timelock role, replayed from every RoleGranted/RoleRevoked it emitted
    (AccessControl cannot enumerate members, its events can)."""
    stop = chain.blocks.head.number + 1
    logs = [*timelock.RoleGranted.range(0, stop), *timelock.RoleRevoked.range(0, stop)]
    members: dict[str, set[str]] = defaultdict(set)
    for log in sorted(logs, key=lambda log: (log.block_number, log.log_index)):
        role = ROLE_NAMES[bytes(log.role)]
        if log.event_name == "RoleGranted":
            members[role].add(log.account)
        else:
            members[role].discard(log.account)
    return {role: accounts for role, accounts in members.items() if accounts}


def expected_roles(timelock, governor, guardian) -> dict[str, set[str]]:
    return {
        "DEFAULT_ADMIN_ROLE": {timelock.address},
        "PROPOSER_ROLE": {governor.address},
        "CANCELLER_ROLE": {governor.address, guardian.address},
        "EXECUTOR_ROLE": {ZERO_ADDRESS},
    }


# ---------------------------------------------------------------- timelock roles


def test_timelock_roles__are_exactly_the_documented_set(timelock, governor, guardian, chain):
    assert role_members(timelock, chain) == expected_roles(timelock, governor, guardian)


def test_timelock__governor_proposes_and_cancels(timelock, governor):
    assert timelock.hasRole(PROPOSER_ROLE, governor)
    assert timelock.hasRole(CANCELLER_ROLE, governor)
    assert not timelock.hasRole(EXECUTOR_ROLE, governor)
    assert not timelock.hasRole(DEFAULT_ADMIN_ROLE, governor)


def test_timelock__guardian_may_only_cancel(timelock, guardian):
    assert timelock.hasRole(CANCELLER_ROLE, guardian)
    assert not timelock.hasRole(PROPOSER_ROLE, guardian)
    assert not timelock.hasRole(EXECUTOR_ROLE, guardian)
    assert not timelock.hasRole(DEFAULT_ADMIN_ROLE, guardian)


def test_timelock__executor_role_is_open_to_everyone(timelock):
    assert timelock.hasRole(EXECUTOR_ROLE, ZERO_ADDRESS)


@pytest.mark.parametrize("role", list(ROLE_NAMES), ids=list(ROLE_NAMES.values()))
def test_timelock__deployer_holds_no_role(timelock, deployer, role):
    assert not timelock.hasRole(role, deployer)


def test_timelock__is_its_own_and_only_admin(timelock, governor, guardian, deployer, treasury):
    assert timelock.hasRole(DEFAULT_ADMIN_ROLE, timelock)
    for account in (governor, guardian, deployer, treasury):
        assert not timelock.hasRole(DEFAULT_ADMIN_ROLE, account)
    for role in ROLE_NAMES:
        assert timelock.getRoleAdmin(role) == DEFAULT_ADMIN_ROLE


def test_timelock__min_delay_is_the_configured_delay(timelock, params):
    assert timelock.getMinDelay() == params.timelock_delay


def test_deployer__cannot_grant_timelock_roles_after_deployment(timelock, deployer, reverts):
    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=deployer.address,
        neededRole=DEFAULT_ADMIN_ROLE,
    ):
        timelock.grantRole(PROPOSER_ROLE, deployer, sender=deployer)


# ---------------------------------------------------------------- governed contracts


@pytest.mark.parametrize("name", GOVERNED)
def test_governed_contract__obeys_the_timelock(foundation, timelock, name):
    assert foundation.by_name()[name].governance() == timelock.address


@pytest.mark.parametrize("name", GOVERNED)
def test_governed_contract__sees_the_timelock_cancellers_as_guardians(
    foundation, governor, guardian, deployer, stranger, name
):
    contract = foundation.by_name()[name]

    assert contract.isGuardian(guardian)
    assert contract.isGuardian(governor)
    assert not contract.isGuardian(deployer)
    assert not contract.isGuardian(stranger)


# ---------------------------------------------------------------- governor


def test_governor__votes_with_the_token_and_executes_through_the_timelock(
    governor, token, timelock
):
    assert governor.name() == "OpenOTC Governor"
    assert governor.token() == token.address
    assert governor.timelock() == timelock.address
    assert governor.CLOCK_MODE() == "mode=timestamp"


def test_governor__settings_are_the_configured_ones(governor, params, chain, token):
    assert governor.votingDelay() == params.voting_delay
    assert governor.votingPeriod() == params.voting_period
    assert governor.proposalThreshold() == params.proposal_threshold == 100_000 * TOKEN_UNIT
    assert governor.quorumNumerator() == params.quorum_percent == 4
    past = chain.blocks.head.timestamp - 1
    assert governor.quorum(past) == token.getPastTotalSupply(past) * 4 // 100


# ---------------------------------------------------------------- re-running the deployment


class FailingDeployer(Deployer):
    """A deployer whose connection drops when it reaches `fail_at`."""

    def __init__(self, *args, fail_at: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail_at = fail_at

    def deploy(self, contract_type, *args):
        if contract_type == self.fail_at:
            raise ConnectionError(f"lost the node while deploying {contract_type}")
        return super().deploy(contract_type, *args)


def test_deploy_foundation__resumed_after_a_failure__reuses_contracts_and_wires_roles(
    project, chain, deployer, guardian, params, tmp_path
):
    record = DeploymentRecord(chain.chain_id, "genesis", path=tmp_path / "deployment.json")
    broken = FailingDeployer(
        project, chain, deployer, record, log=lambda _: None, fail_at="AssetProxy"
    )
    with pytest.raises(ConnectionError):
        deploy_foundation(broken, params)
    before = dict(record.contracts)
    assert set(before) == {"OTCTimelock", "OTCToken", "OTCGovernor", "TokenRegistry"}

    resumed = deploy_foundation(
        Deployer(project, chain, deployer, record, log=lambda _: None), params
    )

    for name, entry in before.items():
        assert record.contracts[name] == entry
    assert resumed.timelock.address == before["OTCTimelock"]["address"]
    assert resumed.governor.address == before["OTCGovernor"]["address"]
    assert role_members(resumed.timelock, chain) == expected_roles(
        resumed.timelock, resumed.governor, guardian
    )


def test_deploy_foundation__run_again__sends_no_transaction(
    project, chain, deployer, params, tmp_path
):
    record = DeploymentRecord(chain.chain_id, "genesis", path=tmp_path / "deployment.json")
    first = deploy_foundation(
        Deployer(project, chain, deployer, record, log=lambda _: None), params
    )
    nonce = deployer.nonce

    again = deploy_foundation(
        Deployer(project, chain, deployer, record, log=lambda _: None), params
    )

    assert deployer.nonce == nonce
    assert {name: c.address for name, c in again.by_name().items()} == {
        name: c.address for name, c in first.by_name().items()
    }
