"""Deploying a lending market as `ape run deploy --stablecoin` does (openotc.deployment.deploy):

- `stablecoin_listing`: the proposal that lists the stablecoin in the TokenRegistry under its own
  name, symbol and decimals (a market lends only a listed token); nothing once listed;
- `deploy_lending`: refused before any transaction while the stablecoin is not listed; the
  oracle once for every market, the market recorded as `LendingMarket:<symbol>` with its
  contract type, resumable like every other deployment, its debt auction found through it;
- `lending_configuration`: the proposal that lets the auction mint, sets the tier caps, the
  large-loan rule, missing identity limits, the rate model and reserve factor if given, and
  each collateral's feeds and listing - leaving out what is in place, so nothing is left once
  it executed;
- the script's `lend` step: on a local chain both proposals voted through and the market
  deployed in between; on a live network, the listing proposed (or printed) and the market
  left for the next run.
"""

import importlib.util
import json
from pathlib import Path

import pytest

from openotc.deployment.deploy import (
    Deployer,
    LendingNotReadyError,
    deploy_lending,
    lending_configuration,
    load_deployed,
    market_record_name,
    open_record,
    stablecoin_listing,
)
from openotc.deployment.params import CollateralListing, LendingParams
from openotc.deployment.verify import build_request
from openotc.units import DAY, HOUR, UNLIMITED

TUSD = 10**6  # the test stablecoin's unit (6 decimals)
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def stable(create_token):
    """A fresh 6-decimal stablecoin, not listed anywhere."""
    return create_token("Test Dollar", "TUSD", 6)


@pytest.fixture
def execute(governance):
    """`execute(proposal)`: the timelock makes the proposal's calls, in order (what an
    executed proposal does, without the vote). Returns the receipts."""

    def execute_(proposal):
        return [
            governance.transfer(target, 0, data=calldata)
            for target, calldata in zip(proposal.targets, proposal.calldatas, strict=True)
        ]

    return execute_


@pytest.fixture
def deploying(project, chain, deployer, tmp_path):
    """A Deployer with a deployment record in this test's folder."""
    return Deployer(project, chain, deployer, record=open_record(chain, tmp_path), log=print)


@pytest.fixture
def listed(stable, foundation, execute):
    execute(stablecoin_listing(foundation, stable.address))
    return stable


def logs(receipts, event) -> list:
    return [log for receipt in receipts for log in receipt.decode_logs(event)]


# ---------------------------------------------------------------- the stablecoin's listing


def test_stablecoin_listing__unlisted__lists_it_under_its_own_name_symbol_and_decimals(
    foundation, stable, execute
):
    proposal = stablecoin_listing(foundation, stable.address)

    receipts = execute(proposal)

    added = logs(receipts, foundation.registry.TokenAdded)
    assert [(a.token, a.name, a.symbol, a.decimals) for a in added] == [
        (stable.address, "Test Dollar", "TUSD", 6)
    ]
    assert proposal.targets == [foundation.registry.address]
    assert stablecoin_listing(foundation, stable.address) is None


def test_deploy_lending__stablecoin_not_listed__refused_before_any_transaction(
    deploying, foundation, stable, deployer
):
    nonce = deployer.nonce

    with pytest.raises(LendingNotReadyError, match="not listed in the TokenRegistry"):
        deploy_lending(deploying, foundation, stable.address)

    assert deployer.nonce == nonce


# ---------------------------------------------------------------- deploy_lending


def test_deploy_lending__records_the_market_by_symbol_with_its_contract_type(
    project, chain, deploying, foundation, listed, tmp_path
):
    params = LendingParams()

    layer = deploy_lending(deploying, foundation, listed.address, params)

    data = json.loads((tmp_path / f"{chain.chain_id}.json").read_text())
    assert sorted(data["contracts"]) == ["LendingMarket:TUSD", "PriceOracle"]
    entry = data["contracts"][market_record_name("TUSD")]
    assert entry["contract_type"] == "LendingMarket"
    assert entry["address"] == layer.market.address
    assert entry["constructor_args"] == [
        foundation.timelock.address,
        listed.address,
        layer.oracle.address,
        foundation.identity.address,
        foundation.registry.address,
        foundation.token.address,
        params.initial_lot,
        params.debt_per_auction * TUSD,
    ]
    assert "contract_type" not in data["contracts"]["PriceOracle"]
    assert layer.auction.address == layer.market.debtAuction()
    assert (layer.auction.initialLot(), layer.auction.debtPerAuction()) == (
        params.initial_lot,
        params.debt_per_auction * TUSD,
    )
    loaded = load_deployed(project, chain, tmp_path)
    assert {name: c.contract_type.name for name, c in loaded.items()} == {
        "PriceOracle": "PriceOracle",
        "LendingMarket:TUSD": "LendingMarket",
    }


def test_deploy_lending__rerun__skips_everything_and_sends_no_transaction(
    project, chain, deploying, foundation, listed, deployer, tmp_path
):
    first = deploy_lending(deploying, foundation, listed.address)
    nonce = deployer.nonce
    lines = []

    again = Deployer(
        project, chain, deployer, record=open_record(chain, tmp_path), log=lines.append
    )
    second = deploy_lending(again, foundation, listed.address)

    assert deployer.nonce == nonce
    assert (second.market.address, second.oracle.address) == (
        first.market.address,
        first.oracle.address,
    )
    assert lines == [
        f"  {'PriceOracle':<18} already at {first.oracle.address}, skipped",
        f"  {'LendingMarket:TUSD':<18} already at {first.market.address}, skipped",
    ]


def test_deploy_lending__second_stablecoin__its_own_market_on_the_same_oracle(
    deploying, foundation, listed, create_token, execute, tmp_path, chain
):
    first = deploy_lending(deploying, foundation, listed.address)
    other = create_token("Other Dollar", "ODAI", 18)
    execute(stablecoin_listing(foundation, other.address))

    second = deploy_lending(deploying, foundation, other.address)

    assert second.oracle.address == first.oracle.address
    assert second.market.address != first.market.address
    assert second.market.asset() == other.address
    # An 18-decimal stablecoin: the debt per auction scales with its unit.
    assert second.auction.debtPerAuction() == LendingParams().debt_per_auction * 10**18
    data = json.loads((tmp_path / f"{chain.chain_id}.json").read_text())
    assert sorted(data["contracts"]) == ["LendingMarket:ODAI", "LendingMarket:TUSD", "PriceOracle"]


def test_verification_request__market_recorded_by_symbol__built_for_its_contract_type(
    project, chain, deploying, foundation, listed
):
    layer = deploy_lending(deploying, foundation, listed.address)
    name = market_record_name("TUSD")

    request = build_request(project, chain, name, deploying.record.contracts[name])

    assert request.address == layer.market.address
    assert request.contract_name == "contracts/lending/LendingMarket.sol:LendingMarket"


# ---------------------------------------------------------------- lending_configuration


@pytest.fixture
def collateral(create_token, create_feed):
    """A WETH-like asset and its two feeds, as a CollateralListing."""
    weth = create_token("Wrapped Ether", "WETH", 18)
    primary = create_feed(8, 2_000 * 10**8, "ETH / USD")
    fallback = create_feed(18, 2_000 * 10**18, "ETH / USD")
    return CollateralListing(
        asset=weth.address,
        primary_feed=primary.address,
        fallback_feed=fallback.address,
        max_ltv_bps=7_500,
        liquidation_threshold_bps=8_000,
        liquidation_bonus_bps=500,
        volatility_tier=1,
        supply_cap=1_000 * 10**18,
        primary_heartbeat=HOUR,
        fallback_heartbeat=DAY,
    )


def test_lending_configuration__new_market__every_step_once_then_nothing_left(
    deploying, foundation, listed, collateral, execute
):
    params = LendingParams(collaterals=(collateral,), reserve_factor_bps=2_000)
    layer = deploy_lending(deploying, foundation, listed.address, params)
    market, oracle, token, identity = (
        layer.market,
        layer.oracle,
        foundation.token,
        foundation.identity,
    )

    proposal = lending_configuration(foundation, layer, params)
    receipts = execute(proposal)

    assert proposal.description == (
        "TUSD lending market: let the debt auction mint OTC; set the volatility tiers' caps; "
        "set the large-loan rule; set TUSD's identity limits; set the reserve factor; "
        "set WETH's price feeds; list WETH as collateral"
    )
    assert [g.account for g in logs(receipts, token.MinterGranted)] == [layer.auction.address]
    assert [(t.tier, t.cap) for t in logs(receipts, market.TierCapSet)] == [
        (tier, cap * TUSD) for tier, cap in enumerate(params.tier_caps)
    ]
    assert [(p.threshold, p.minLevel) for p in logs(receipts, market.LargeLoanPolicySet)] == [
        (params.large_loan_threshold * TUSD, params.large_loan_min_level)
    ]
    assert [
        (s.level, s.perTransaction, s.perPeriod) for s in logs(receipts, identity.LimitSet)
    ] == [
        (level, per_tx * TUSD, UNLIMITED if per_period is None else per_period * TUSD)
        for level, per_tx, per_period in params.identity_limits
    ]
    assert [r.reserveFactorBps for r in logs(receipts, market.ReserveFactorSet)] == [2_000]
    feeds = logs(receipts, oracle.FeedsSet)
    assert [
        (f.asset, f.primary, f.primaryHeartbeat, f.fallbackFeed, f.fallbackHeartbeat) for f in feeds
    ] == [(collateral.asset, collateral.primary_feed, HOUR, collateral.fallback_feed, DAY)]
    listed_logs = logs(receipts, market.CollateralListed)
    assert [(c.asset, tuple(c.params)) for c in listed_logs] == [
        (collateral.asset, collateral.params_tuple())
    ]
    assert lending_configuration(foundation, layer, params) is None


def test_lending_configuration__identity_limit_already_set__left_as_it_is(
    deploying, foundation, listed, execute, governance
):
    identity = foundation.identity
    identity.setLimit(listed, 1, 7 * TUSD, 70 * TUSD, sender=governance)
    layer = deploy_lending(deploying, foundation, listed.address)

    receipts = execute(lending_configuration(foundation, layer))

    assert [s.level for s in logs(receipts, identity.LimitSet)] == [0, 2, 3]
    assert (identity.limit(listed, 1).perTransaction, identity.limit(listed, 1).perPeriod) == (
        7 * TUSD,
        70 * TUSD,
    )


def test_lending_configuration__collateral_parameters_changed__updates_only_them(
    deploying, foundation, listed, collateral, execute
):
    params = LendingParams(collaterals=(collateral,))
    layer = deploy_lending(deploying, foundation, listed.address, params)
    execute(lending_configuration(foundation, layer, params))
    safer = CollateralListing(**{**collateral.__dict__, "max_ltv_bps": 6_000})

    proposal = lending_configuration(foundation, layer, LendingParams(collaterals=(safer,)))
    receipts = execute(proposal)

    assert proposal.description == "TUSD lending market: update WETH's risk parameters"
    updated = logs(receipts, layer.market.CollateralUpdated)
    assert [(u.asset, tuple(u.params)) for u in updated] == [(safer.asset, safer.params_tuple())]


# ---------------------------------------------------------------- the script's `lend` step


@pytest.fixture(scope="module")
def script():
    """scripts/deploy.py as a module (its `lend` step and `govern` helper)."""
    spec = importlib.util.spec_from_file_location("deploy_script", REPOSITORY / "scripts/deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lend_step__local_chain__lists_deploys_and_configures_through_two_votes(
    script, deploying, foundation, stable, treasury, capsys
):
    script.lend(deploying, foundation, stable.address, LendingParams(), treasury, True)

    output = capsys.readouterr().out
    assert foundation.registry.isListed(stable)
    market = deploying.project.LendingMarket.at(
        deploying.record.address_of(market_record_name("TUSD"))
    )
    assert market.asset() == stable.address
    assert foundation.token.isMinter(market.debtAuction())
    assert market.tierCap(0) == LendingParams().tier_caps[0] * TUSD
    assert output.count("executed in tx") == 2
    assert "lending:" in output


def test_lend_step__live_network_without_votes__prints_the_listing_and_deploys_nothing(
    script, deploying, foundation, stable, deployer, capsys
):
    nonce = deployer.nonce

    script.lend(deploying, foundation, stable.address, LendingParams(), deployer, False)

    output = capsys.readouterr().out
    assert deployer.nonce == nonce
    assert not foundation.registry.isListed(stable)
    assert deploying.record.contracts == {}
    assert "the lending market needs its stablecoin listed in the token registry" in output
    assert f"call      {foundation.registry.address} data 0x" in output
    assert "run this command again once the listing is executed" in output


# ---------------------------------------------------------------- `ape console` extras


@pytest.fixture
def console(monkeypatch, tmp_path, chain, project):
    """`console()`: the namespace `ape console` gets from ape_console_extras.py, reading the
    deployment record of this test's folder."""
    from openotc.deployment import records

    monkeypatch.setattr(records, "DEPLOYMENTS_DIR", tmp_path)
    spec = importlib.util.spec_from_file_location("extras", REPOSITORY / "ape_console_extras.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda: module.ape_init_extras(chain, project)


def test_console_extras__one_market__loaded_by_role_with_the_operators_helpers(
    console, deploying, foundation, listed, execute, capsys
):
    layer = deploy_lending(deploying, foundation, listed.address)
    execute(lending_configuration(foundation, layer))

    extras = console()

    assert extras["markets"]["TUSD"].address == layer.market.address
    assert extras["market"].address == layer.market.address
    assert extras["auction"].address == layer.auction.address
    assert extras["oracle"].address == layer.oracle.address
    capsys.readouterr()
    extras["lending"]()
    assert extras["positions"]() == []
    assert extras["reserve"]() == 0 == extras["deficit"]()
    summary = extras["auctions"]()
    output = capsys.readouterr().out
    assert f"TUSD market {layer.market.address}: supplied 0.00" in output
    assert "reserve 0.00 TUSD" in output and "deficit 0.00 TUSD" in output
    assert "no live auction" in output
    assert summary.live is None and summary.total_minted == 0
