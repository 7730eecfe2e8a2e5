"""The end-to-end demo on a local chain (`make demo`): deploys the suite and walks through
what governance, the guardian, an identity issuer, the jurors, the traders and the swap parties
do, printing each step. Each scenario lives in its own module of `openotc.demo`; later
subsystems add theirs to `run`."""

from __future__ import annotations

from collections.abc import Callable

from openotc.demo.court import CourtDemo
from openotc.demo.escrow import EscrowDemo
from openotc.demo.governance import governance_scenario
from openotc.demo.identity import identity_scenario
from openotc.demo.lending import LendingDemo
from openotc.demo.proxy import proxy_scenario
from openotc.demo.swap import SwapDemo
from openotc.deployment.deploy import (
    DEFAULT_ADMIN_ROLE,
    Deployer,
    Foundation,
    deploy_court,
    deploy_escrow,
    deploy_foundation,
    open_record,
)
from openotc.deployment.params import CourtParams, FoundationParams
from openotc.units import TOKEN_UNIT


class Narrator:
    def __init__(self, out: Callable[[str], None] = print):
        self.out = out
        self.step = 0

    def section(self, title: str) -> None:
        self.step += 1
        self.out(f"\n== {self.step}. {title}")

    def __call__(self, line: str) -> None:
        self.out(f"   {line}")


def run(
    project, chain, accounts, out: Callable[[str], None] = print, salts_path=None
) -> Foundation:
    say = Narrator(out)
    deployer, treasury, guardian, issuer, alice, bob, relayer, keeper, heidi = (
        accounts.test_accounts[:9]
    )

    say.section("Deploy the suite (foundation, the juror court, then the escrow)")
    params = FoundationParams(treasury=treasury.address, guardian=guardian.address)
    deployer_ = Deployer(project, chain, deployer, record=open_record(chain), log=say)
    foundation = deploy_foundation(deployer_, params)
    court_layer = deploy_court(deployer_, foundation, treasury.address, CourtParams())
    layer = deploy_escrow(deployer_, foundation, treasury.address, arbitrator=court_layer.court)
    say(f"escrow disputes go to the JurorCourt at {court_layer.court.address}")
    timelock = foundation.timelock
    still_admin = timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer)
    say(f"deployer still admin of the timelock? {still_admin}")
    say(f"treasury holds {foundation.token.balanceOf(treasury) // TOKEN_UNIT:,} OTC")

    say.section("Outside world: a stablecoin and a contract that settles through the proxy")
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    settlement = deployer.deploy(project.TestProxyCaller, foundation.proxy)
    say(f"USDC (6 decimals) at {usdc.address}")
    say(f"a legacy settlement contract at {settlement.address}")

    governance_scenario(foundation, layer.escrow, chain, say, treasury, usdc, settlement, issuer)
    proxy_scenario(foundation, say, guardian, alice, bob, usdc, settlement)
    identity_scenario(foundation, chain, say, issuer, {"alice": alice, "bob": bob}, relayer, usdc)
    court_demo = CourtDemo(
        chain, say, accounts, court_layer, foundation.token, treasury, salts_path or _salts_file()
    )
    court_demo.stake(say.section)

    def decide(dispute_id: int):
        return court_demo.decide(dispute_id, keeper)

    escrow_demo = EscrowDemo(
        chain, say, layer.escrow, layer.arbitrator, usdc, foundation.proxy, foundation.identity
    )
    escrow_demo.run(say.section, alice, bob, heidi, keeper, decide)
    say.section("Court: settle every seat, pay the coherent jurors")
    court_demo.settle_and_pay(keeper)

    SwapDemo(project, chain.provider.web3, say).run(say.section)

    lending_demo = LendingDemo(
        project, chain, accounts, say, foundation, deployer_, escrow_demo, issuer
    )
    lending_demo.run(say.section, treasury, buyer=bob)

    say.section("Done")
    say("every configuration went through a vote and the timelock; the guardian only revoked;")
    say("nobody but an authorized contract ever moved a user's tokens.")
    return foundation


def _salts_file():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="openotc-demo-")) / "salts.json"
