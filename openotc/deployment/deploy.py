"""Deploys the OpenOTC foundation layer in dependency order and wires its roles.

Order: timelock -> protocol token -> governor -> token registry -> asset proxy -> identity
registry. Every other contract takes the timelock as its immutable governance, so nothing
needs wiring after deployment except the timelock's own roles:

- PROPOSER_ROLE and CANCELLER_ROLE to the governor,
- CANCELLER_ROLE to the guardian (who may only cancel and revoke),
- EXECUTOR_ROLE to everyone (granted at construction to address 0),
- and finally the deployer renounces DEFAULT_ADMIN_ROLE, leaving no deployer privilege.

The other layers follow, each taking the foundation: the juror court, the escrow, the atomic
swap, and - for a stablecoin the deployer names - the price oracle and that stablecoin's lending
market (which deploys its debt auction); what they need from governance afterwards is built
as a proposal (`escrow_authorization`, `stablecoin_listing`, `lending_configuration`).

Each step is idempotent: a contract already in the deployment record (with code on chain) is
reused, one whose deployment was in flight when a run stopped is found at its CREATE address,
and a role already held is not granted again, so re-running resumes a broken deploy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import rlp
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes

from openotc.deployment.params import CourtParams, EscrowParams, FoundationParams, LendingParams
from openotc.deployment.records import DeploymentRecord
from openotc.governance import Proposal
from openotc.lending import CollateralParams, erc20_at, read_view
from openotc.units import UNLIMITED, ZERO_ADDRESS

if TYPE_CHECKING:
    from ape.contracts import ContractInstance
DEFAULT_ADMIN_ROLE = b"\x00" * 32
PROPOSER_ROLE = keccak(text="PROPOSER_ROLE")
EXECUTOR_ROLE = keccak(text="EXECUTOR_ROLE")
CANCELLER_ROLE = keccak(text="CANCELLER_ROLE")


@dataclass
class Foundation:
    """The deployed foundation contracts, by role."""

    timelock: ContractInstance
    token: ContractInstance
    governor: ContractInstance
    registry: ContractInstance
    proxy: ContractInstance
    identity: ContractInstance

    def by_name(self) -> dict[str, ContractInstance]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Field of Foundation -> contract type in contracts/.
FOUNDATION_CONTRACTS = {
    "timelock": "OTCTimelock",
    "token": "OTCToken",
    "governor": "OTCGovernor",
    "registry": "TokenRegistry",
    "proxy": "AssetProxy",
    "identity": "IdentityRegistry",
}


@dataclass
class CourtLayer:
    """The juror court and its randomness source."""

    randomness: ContractInstance
    court: ContractInstance

    def by_name(self) -> dict[str, ContractInstance]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


COURT_CONTRACTS = {"randomness": "PrevrandaoRandomness", "court": "JurorCourt"}


@dataclass
class EscrowLayer:
    """The escrow and the arbitrator that decides its disputes (the juror court, or a
    SingleArbitrator)."""

    arbitrator: ContractInstance
    escrow: ContractInstance

    def by_name(self) -> dict[str, ContractInstance]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


ESCROW_CONTRACTS = {"arbitrator": "SingleArbitrator", "escrow": "OTCEscrow"}

# Every deployable, by role: what `ape console` puts in its namespace.
SWAP_CONTRACTS = {"swap": "AtomicSwap"}

ALL_CONTRACTS = {**FOUNDATION_CONTRACTS, **COURT_CONTRACTS, **ESCROW_CONTRACTS, **SWAP_CONTRACTS}


@dataclass
class LendingLayer:
    """One stablecoin's lending market, the price oracle it reads (one for every market) and
    the debt auction the market deployed in its constructor."""

    oracle: ContractInstance
    market: ContractInstance
    auction: ContractInstance

    def by_name(self) -> dict[str, ContractInstance]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# Deployed only for a stablecoin the deployer names (`ape run deploy --stablecoin`), so not in
# ALL_CONTRACTS. A market's record entry is named per stablecoin (`market_record_name`); its
# DebtAuction is created by the market, found through `market.debtAuction()`.
LENDING_CONTRACTS = {"oracle": "PriceOracle", "market": "LendingMarket"}


class LendingNotReadyError(RuntimeError):
    """The stablecoin is not listed in the TokenRegistry yet: its market cannot be deployed
    before governance lists it (`stablecoin_listing`)."""


def market_record_name(symbol: str) -> str:
    """The deployment record's name for the lending market of the stablecoin `symbol` (one
    market per stablecoin; the registry keeps symbols unique)."""
    return f"LendingMarket:{symbol}"


class Deployer:
    """Deploys contracts from one account, reusing what the record already holds.

    A deployment is noted in the record as pending before it is broadcast, so a run cut off
    while the transaction was in flight adopts the contract on resuming instead of deploying
    it twice; one still in the node's pool is waited for (up to `wait` seconds)."""

    def __init__(
        self,
        project,
        chain,
        account,
        record: DeploymentRecord | None = None,
        log: Callable[[str], None] = print,
        wait: float = 300,
    ):
        self.project = project
        self.chain = chain
        self.account = account
        self.record = record
        self.log = log
        self.wait = wait

    def deploy(self, contract_type: str, *args, name: str | None = None) -> ContractInstance:
        """Deploys `contract_type` (or reuses it), recorded under `name` (default: the
        contract type; a type deployed once per something, such as a lending market per
        stablecoin, is named apart)."""
        container = getattr(self.project, contract_type)
        name = name or contract_type
        known = self._deployed(name, contract_type, args)
        if known:
            return container.at(known)
        nonce = self.account.nonce
        if self.record is not None:
            self.record.expect(name, nonce, created_address(self.account.address, nonce))
        contract = self.account.deploy(container, *args, nonce=nonce)
        tx_hash = contract.txn_hash if hasattr(contract, "txn_hash") else ""
        if self.record is not None:
            self.record.add(name, str(contract.address), str(tx_hash), list(args), contract_type)
        self.log(f"  {name:<18} deployed at {contract.address}")
        return contract

    def _deployed(self, name: str, contract_type: str, args: tuple) -> str | None:
        """The address of `name` if this deployment made it already: recorded, or pending in
        the record and found on chain."""
        if self.record is None:
            return None
        known = self.record.address_of(name)
        if known and self.chain.provider.get_code(known):
            self.log(f"  {name:<18} already at {known}, skipped")
            return known
        pending = self.record.pending
        if not pending or pending["name"] != name:
            return None
        address, nonce = pending["address"], pending["nonce"]
        self._await_nonce(nonce)
        if not self.chain.provider.get_code(address):
            return None  # dropped or reverted: deploy it again
        self.record.add(name, address, "", list(args), contract_type)
        self.log(f"  {name:<18} found at {address}, deployed by the interrupted run")
        return address

    def _await_nonce(self, nonce: int) -> None:
        """Waits while the account's transaction `nonce` is in the node's pool."""
        web3 = self.chain.provider.web3
        address = self.account.address
        deadline = time.monotonic() + self.wait
        while web3.eth.get_transaction_count(address) <= nonce:
            if web3.eth.get_transaction_count(address, "pending") <= nonce:
                return  # not in the pool
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"transaction {nonce} of {address} is still pending after {self.wait} s; "
                    "run again once it is mined or replaced"
                )
            self.log(f"  waiting for transaction {nonce} of {address} to be mined")
            time.sleep(2)

    def transact(self, description: str, method, *args):
        self.log(f"  {description}")
        return method(*args, sender=self.account)


def created_address(creator: str, nonce: int) -> str:
    """The address of the contract `creator` makes with CREATE at `nonce` (a contract's first
    creation uses nonce 1, EIP-161)."""
    return to_checksum_address(keccak(rlp.encode([HexBytes(creator), nonce]))[12:])


def deploy_foundation(deployer: Deployer, params: FoundationParams) -> Foundation:
    """Deploys (or resumes deploying) the foundation and hands every privilege to governance."""
    admin = deployer.account
    timelock = deployer.deploy("OTCTimelock", params.timelock_delay, [], [ZERO_ADDRESS], admin)
    token = deployer.deploy("OTCToken", timelock, params.treasury, params.initial_supply)
    governor = deployer.deploy(
        "OTCGovernor",
        token,
        timelock,
        params.voting_delay,
        params.voting_period,
        params.proposal_threshold,
        params.quorum_percent,
    )
    registry = deployer.deploy("TokenRegistry", timelock)
    proxy = deployer.deploy("AssetProxy", timelock)
    identity = deployer.deploy("IdentityRegistry", timelock)

    grants = [
        ("PROPOSER_ROLE", PROPOSER_ROLE, governor.address, "governor"),
        ("CANCELLER_ROLE", CANCELLER_ROLE, governor.address, "governor"),
        ("CANCELLER_ROLE", CANCELLER_ROLE, params.guardian, "guardian"),
    ]
    for role_name, role, account, who in grants:
        if not timelock.hasRole(role, account):
            deployer.transact(
                f"timelock: grant {role_name} to the {who} ({account})",
                timelock.grantRole,
                role,
                account,
            )
    if timelock.hasRole(DEFAULT_ADMIN_ROLE, admin.address):
        deployer.transact(
            "timelock: deployer renounces DEFAULT_ADMIN_ROLE",
            timelock.renounceRole,
            DEFAULT_ADMIN_ROLE,
            admin.address,
        )
    return Foundation(timelock, token, governor, registry, proxy, identity)


def deploy_court(
    deployer: Deployer, foundation: Foundation, treasury: str, params: CourtParams
) -> CourtLayer:
    """Deploys the randomness source and the JurorCourt (staking the protocol token, governed
    by the timelock, residual to `treasury`). Nothing to wire afterwards."""
    randomness = deployer.deploy(
        "PrevrandaoRandomness", params.randomness_lookahead, params.randomness_window
    )
    court = deployer.deploy(
        "JurorCourt", foundation.timelock, foundation.token, randomness, treasury, params.as_tuple()
    )
    return CourtLayer(randomness, court)


def deploy_escrow(
    deployer: Deployer,
    foundation: Foundation,
    treasury: str,
    params: EscrowParams | None = None,
    arbitrator: ContractInstance | None = None,
) -> EscrowLayer:
    """Deploys the escrow, decided by `arbitrator` (the juror court), or by a new
    SingleArbitrator ruled by `params.ruler` when no arbitrator is given. The escrow still
    needs governance to authorize it on the asset proxy and to set its fee: see
    `escrow_authorization`."""
    if arbitrator is None:
        if params is None or int(params.ruler, 16) == 0:
            raise ValueError("deploy_escrow needs an arbitrator or EscrowParams with a ruler")
        arbitrator = deployer.deploy("SingleArbitrator", params.ruler, params.arbitration_cost)
    params = params or EscrowParams()
    escrow = deployer.deploy(
        "OTCEscrow",
        foundation.timelock,
        foundation.registry,
        foundation.identity,
        foundation.proxy,
        arbitrator,
        params.arbitrator_extra_data,
        treasury,
        params.policy,
    )
    return EscrowLayer(arbitrator, escrow)


def deploy_swap(deployer: Deployer) -> ContractInstance:
    """Deploys the AtomicSwap: no constructor arguments, no owner, nothing to wire. Deploy it on
    every chain the platform swaps across."""
    return deployer.deploy("AtomicSwap")


def escrow_authorization(
    foundation: Foundation, escrow: ContractInstance, params: EscrowParams | None = None
) -> Proposal | None:
    """The proposal that lets the escrow pull sellers' tokens through the asset proxy and sets
    its protocol fee to `params.fee_bps` (default `EscrowParams()`), leaving out what is in
    place already; None if nothing is left to do."""
    params = params or EscrowParams()
    authorize = not foundation.proxy.isAuthorized(escrow)
    set_fee = escrow.feeBps() != params.fee_bps
    if not (authorize or set_fee):
        return None
    steps = []
    if authorize:
        steps.append("Authorize the OTC escrow on the asset proxy")
    if set_fee:
        steps.append(f"Set the OTC escrow's fee to {params.fee_bps} bps")
    proposal = Proposal("; ".join(steps))
    if authorize:
        proposal.call(foundation.proxy, "authorize", escrow)
    if set_fee:
        proposal.call(escrow, "setFee", params.fee_bps)
    return proposal


def deploy_lending(
    deployer: Deployer,
    foundation: Foundation,
    stablecoin: str,
    params: LendingParams | None = None,
) -> LendingLayer:
    """Deploys the price oracle (once for every market) and the lending market of
    `stablecoin`, which deploys its DebtAuction. The stablecoin must be listed in the
    TokenRegistry already (`stablecoin_listing`; LendingNotReadyError otherwise). The market
    still needs governance to let its auction mint, set its caps and rules and list collateral:
    see `lending_configuration`."""
    params = params or LendingParams()
    registry = foundation.registry
    if not registry.isListed(stablecoin):
        raise LendingNotReadyError(
            f"{stablecoin} is not listed in the TokenRegistry: governance lists it first"
        )
    info = registry.getToken(stablecoin)
    oracle = deployer.deploy("PriceOracle", foundation.timelock)
    market = deployer.deploy(
        "LendingMarket",
        foundation.timelock,
        stablecoin,
        oracle,
        foundation.identity,
        registry,
        foundation.token,
        params.initial_lot,
        params.debt_per_auction * 10**info.decimals,
        name=market_record_name(info.symbol),
    )
    auction = deployer.project.DebtAuction.at(market.debtAuction(), fetch_from_explorer=False)
    return LendingLayer(oracle, market, auction)


def stablecoin_listing(
    foundation: Foundation, stablecoin: str, params: LendingParams | None = None
) -> Proposal | None:
    """The proposal that lists `stablecoin` in the TokenRegistry under its own name, symbol
    and decimals (a market lends only a listed token); None if it is listed."""
    if foundation.registry.isListed(stablecoin):
        return None
    params = params or LendingParams()
    token = erc20_at(stablecoin)
    symbol, decimals = token.symbol(), token.decimals()
    metadata = keccak(text=params.stablecoin_metadata) if params.stablecoin_metadata else b"\0" * 32
    proposal = Proposal(f"List {symbol} in the token registry for its lending market")
    proposal.call(
        foundation.registry, "addToken", stablecoin, token.name(), symbol, decimals, metadata
    )
    return proposal


def lending_configuration(
    foundation: Foundation, layer: LendingLayer, params: LendingParams | None = None
) -> Proposal | None:
    """The proposal that makes a new market usable, leaving out what is in place already:
    lets its DebtAuction mint the protocol token (bounded by the token's inflation cap), sets
    the volatility tiers' caps and the large-loan rule, the identity limits of the stablecoin
    at levels that have none, the rate model and reserve factor if `params` gives them, and for
    each collateral of `params` its oracle feeds and its listing (or new risk parameters).
    None if nothing is left to do."""
    params = params or LendingParams()
    market, oracle, auction = layer.market, layer.oracle, layer.auction
    stablecoin = market.asset()
    info = foundation.registry.getToken(stablecoin)
    unit = 10**info.decimals
    steps: list[str] = []
    calls: list[tuple] = []

    def step(text: str, contract, method: str, *args) -> None:
        if text and text not in steps:
            steps.append(text)
        calls.append((contract, method, args))

    if not foundation.token.isMinter(auction):
        step("let the debt auction mint OTC", foundation.token, "grantMinter", auction)
    for tier, cap in enumerate(params.tier_caps):
        if market.tierCap(tier) != cap * unit:
            step("set the volatility tiers' caps", market, "setTierCap", tier, cap * unit)
    policy = (params.large_loan_threshold * unit, params.large_loan_min_level)
    if tuple(market.largeLoanPolicy()) != policy:
        step("set the large-loan rule", market, "setLargeLoanPolicy", *policy)
    for level, per_transaction, per_period in params.identity_limits:
        if foundation.identity.limit(stablecoin, level).perTransaction == 0:
            rolling = UNLIMITED if per_period is None else per_period * unit
            step(
                f"set {info.symbol}'s identity limits",
                foundation.identity,
                "setLimit",
                stablecoin,
                level,
                per_transaction * unit,
                rolling,
            )
    if params.rate_model is not None and tuple(market.rateModel()) != tuple(params.rate_model):
        step("set the rate model", market, "setRateModel", params.rate_model)
    if params.reserve_factor_bps is not None and (
        market.reserveFactorBps() != params.reserve_factor_bps
    ):
        step("set the reserve factor", market, "setReserveFactor", params.reserve_factor_bps)
    listed = {to_checksum_address(asset) for asset in market.collaterals()}
    for listing in params.collaterals:
        symbol = erc20_at(listing.asset).symbol()
        feeds = _feeds_of(oracle, listing)
        if _current_feeds(oracle, listing.asset) != [(f[0], f[1]) for f in feeds]:
            step(f"set {symbol}'s price feeds", oracle, "setFeeds", listing.asset, *feeds)
        wanted = listing.params_tuple()
        if to_checksum_address(listing.asset) not in listed:
            step(f"list {symbol} as collateral", market, "listCollateral", listing.asset, wanted)
        else:
            current = CollateralParams.from_struct(market.collateralParams(listing.asset)[0])
            if current.as_tuple() != wanted:
                text = f"update {symbol}'s risk parameters"
                step(text, market, "updateCollateral", listing.asset, wanted)
    if not calls:
        return None
    text = "; ".join(steps)
    proposal = Proposal(f"{info.symbol} lending market: {text}")
    for contract, method, args in calls:
        proposal.call(contract, method, *args)
    return proposal


def _feeds_of(oracle, listing) -> list[tuple]:
    """The (aggregator, heartbeat, decimals) feeds of a CollateralListing, decimals read from
    each aggregator."""
    return [
        (aggregator, heartbeat, read_view(oracle, aggregator, "decimals()", ["uint8"])[0])
        for aggregator, heartbeat in (
            (to_checksum_address(listing.primary_feed), listing.primary_heartbeat),
            (to_checksum_address(listing.fallback_feed), listing.fallback_heartbeat),
        )
    ]


def _current_feeds(oracle, asset) -> list[tuple] | None:
    """(aggregator, heartbeat) of the asset's feeds in the oracle, or None if it has none
    (read raw: the refusal of an asset without feeds is an answer here, not an error)."""
    feed = "(address,uint32,uint8)"
    try:
        feeds = read_view(oracle, oracle, "feedsOf(address)", [feed, feed], ["address"], [asset])
    except Exception:  # noqa: BLE001 - OracleAssetNotSupported: no feeds yet
        return None
    return [(to_checksum_address(aggregator), heartbeat) for aggregator, heartbeat, _ in feeds]


def load_deployed(project, chain, directory: Path | None = None) -> dict[str, ContractInstance]:
    """The contracts recorded for the connected chain (and present on it), by the name the
    record gives them (the contract type, or `market_record_name` for a lending market)."""
    record = open_record(chain, directory)
    loaded = {}
    for name, entry in record.contracts.items():
        if chain.provider.get_code(entry["address"]):
            contract_type = entry.get("contract_type", name)
            loaded[name] = getattr(project, contract_type).at(entry["address"])
    return loaded


def open_record(chain, directory: Path | None = None) -> DeploymentRecord:
    """The deployment record of the connected chain (empty if none, or left by another chain
    with the same id, such as an earlier local node)."""
    return DeploymentRecord.load(chain.chain_id, chain.blocks[0].hash.hex(), directory)
