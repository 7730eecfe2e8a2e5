"""The lending scenario of `make demo`, run after the governance scenario listed USDC and set
its identity limits, and after the escrow scenarios:

1. governance deploys a USDC lending market and lists WETH-like (18 decimals) and WBTC-like
   (8 decimals) collateral, each priced by two mock Chainlink feeds (primary and fallback);
2. a supplier deposits USDC for ERC-4626 shares;
3. a borrower attested at level 2 pledges WETH and WBTC and borrows USDC (its limits shown),
   then sells USDC in an OTC escrow trade; a second borrower, at level 1, borrows a little;
   90 days of interest fill the reserve;
4. prices fall: a margin call (pokeHealth), the watcher flags the position;
5. prices fall further: the keeper's partial liquidation (close factor 50%);
6. the primary WETH feed goes stale while the fallback keeps updating: the fallback takes
   over (PriceSourceChanged);
7. a flash crash that both feeds confirm leaves bad debt: the reserve covers part, a debt
   auction mints protocol token and sells it for the rest (bid, time passes, settled);
8. the second borrower, still healthy, repays early and takes its collateral back; the
   supplier redeems its shares, interest included.

The feeds are mocks of the outside world, driven by the demo; every other step is a real
transaction of a real account, through the SDK (`openotc.lending`)."""

from __future__ import annotations

from eth_utils import keccak

from openotc import escrow as escrow_sdk
from openotc import identity as identity_sdk
from openotc import lending as sdk
from openotc.deployment.deploy import deploy_lending, lending_configuration
from openotc.deployment.params import CollateralListing, LendingParams
from openotc.governance import ProposalRunner
from openotc.units import DAY, HOUR, TOKEN_UNIT, UNLIMITED, USDC_UNIT

WETH_UNIT = 10**18
WBTC_UNIT = 10**8
FEED_DECIMALS = 8  # Chainlink's USD feeds answer with 8 decimals
PRIMARY_HEARTBEAT = 1 * HOUR
FALLBACK_HEARTBEAT = 1 * DAY

# Prices of a whole WETH and WBTC in USD at each stage of the scenario.
PRICES = {
    "start": (3_000, 60_000),
    "dip": (2_600, 55_000),  # health below the 1.10 band: a margin call
    "fall": (2_450, 52_000),  # health between 0.95 and 1: a partial liquidation
    "drift": (2_380, 51_500),  # the fallback's WETH answer while the primary is stale
    "crash": (900, 20_000),  # both feeds agree: accepted beyond the 50% deviation bound
}


def _usdc(amount: int) -> str:
    return f"{amount / USDC_UNIT:,.2f} USDC"


def _otc(amount: int) -> str:
    return f"{amount / TOKEN_UNIT:,.2f} OTC"


def _usd(value: int) -> str:
    return f"{value / sdk.WAD:,.2f} USD"


def _expect(condition: bool, what: str) -> None:
    """Stops the demo when the contracts did not do what the scenario tells."""
    if not condition:
        raise RuntimeError(f"lending scenario: {what}")


class LendingDemo:
    def __init__(self, project, chain, accounts, say, foundation, deployer_, escrow_demo, issuer):
        self.project = project
        self.chain = chain
        self.say = say
        self.foundation = foundation
        self.deployer = deployer_
        self.escrow_demo = escrow_demo
        self.usdc = escrow_demo.usdc
        self.issuer = issuer
        self.people = {}
        for name in ("oscar", "peggy", "victor", "trent", "walter"):
            account = accounts.test_accounts.generate_test_account()
            account.balance = 10**20
            self.people[name] = account
        self.names = {account.address: name for name, account in self.people.items()}
        self.feeds: dict[str, tuple] = {}

    # ------------------------------------------------------------ helpers

    def name(self, address) -> str:
        return self.names.get(str(address), str(address)[:10])

    def balances(self, *names: str) -> None:
        cells = []
        for name in names:
            account = self.people[name]
            cells.append(f"{name} {self.usdc.balanceOf(account) / USDC_UNIT:,.2f}")
        cells.append(f"market cash {self.market.cash() / USDC_UNIT:,.2f}")
        self.say("USDC: " + " | ".join(cells))

    def health(self, *names: str) -> None:
        cells = []
        for name in names:
            position = self.view.position(self.people[name])
            cells.append(
                f"{name} debt {_usdc(position.debt)}, collateral {_usd(position.collateral_value)}"
                f", health {sdk.describe_health(position.health_factor)}"
            )
        for cell in cells:
            self.say(cell)

    def set_prices(self, stage: str, *, primary: bool = True, fallback: bool = True) -> None:
        """Publishes the stage's prices on the mock feeds (the outside world moving)."""
        for (main, spare), price in zip(self.feeds.values(), PRICES[stage], strict=True):
            answer = price * 10**FEED_DECIMALS
            if primary:
                main.setAnswer(answer, sender=self.deployer.account)
            if fallback:
                spare.setAnswer(answer, sender=self.deployer.account)

    def supply(self) -> int:
        return self.foundation.token.totalSupply()

    # ------------------------------------------------------------ the scenario

    def run(self, say_section, treasury, buyer, buyer_name: str = "bob") -> None:
        """`treasury` holds the votes that pass the market's configuration; `buyer` (named
        `buyer_name`) buys the borrower's USDC in the escrow."""
        self.buyer_name = buyer_name
        self._deploy(say_section, treasury)
        self._supply(say_section)
        self._borrow(say_section, buyer)
        self._margin_call(say_section)
        self._partial_liquidation(say_section)
        self._stale_primary(say_section)
        self._bad_debt(say_section)
        self._early_repayment(say_section)

    def _deploy(self, say_section, treasury) -> None:
        say = self.say
        say_section("Lending: governance opens a USDC market with WETH and WBTC collateral")
        deployer = self.deployer.account
        self.weth = deployer.deploy(self.project.MockERC20, "Wrapped Ether", "WETH", 18)
        self.wbtc = deployer.deploy(self.project.MockERC20, "Wrapped Bitcoin", "WBTC", 8)
        for token, (price_usd, _) in ((self.weth, (3_000, 0)), (self.wbtc, (60_000, 0))):
            symbol = token.symbol()
            main = deployer.deploy(
                self.project.MockAggregator,
                FEED_DECIMALS,
                f"{symbol} / USD (primary)",
                price_usd * 10**FEED_DECIMALS,
            )
            spare = deployer.deploy(
                self.project.MockAggregator,
                FEED_DECIMALS,
                f"{symbol} / USD (fallback)",
                price_usd * 10**FEED_DECIMALS,
            )
            self.feeds[symbol] = (main, spare)
        self.feeds = {"WETH": self.feeds["WETH"], "WBTC": self.feeds["WBTC"]}
        say("outside world: WETH (18 decimals) and WBTC (8 decimals) at 3,000 and 60,000 USD,")
        say(
            f"each priced by two mock Chainlink feeds: a primary (heartbeat "
            f"{PRIMARY_HEARTBEAT // HOUR} h) and a fallback ({FALLBACK_HEARTBEAT // HOUR} h)"
        )
        params = LendingParams(
            collaterals=(
                CollateralListing(
                    asset=self.weth.address,
                    primary_feed=self.feeds["WETH"][0].address,
                    fallback_feed=self.feeds["WETH"][1].address,
                    max_ltv_bps=7_500,
                    liquidation_threshold_bps=8_000,
                    liquidation_bonus_bps=500,
                    volatility_tier=1,
                    supply_cap=10_000 * WETH_UNIT,
                    primary_heartbeat=PRIMARY_HEARTBEAT,
                    fallback_heartbeat=FALLBACK_HEARTBEAT,
                ),
                CollateralListing(
                    asset=self.wbtc.address,
                    primary_feed=self.feeds["WBTC"][0].address,
                    fallback_feed=self.feeds["WBTC"][1].address,
                    max_ltv_bps=7_000,
                    liquidation_threshold_bps=7_500,
                    liquidation_bonus_bps=750,
                    volatility_tier=1,
                    supply_cap=500 * WBTC_UNIT,
                    primary_heartbeat=PRIMARY_HEARTBEAT,
                    fallback_heartbeat=FALLBACK_HEARTBEAT,
                ),
            )
        )
        layer = deploy_lending(self.deployer, self.foundation, self.usdc.address, params)
        self.layer, self.market, self.oracle, self.auction = (
            layer,
            layer.market,
            layer.oracle,
            layer.auction,
        )
        self.view = sdk.MarketView(self.market)
        self.opened_at = self.chain.blocks.head.number
        say(f"the market's DebtAuction, deployed by the market: {self.auction.address}")
        proposal = lending_configuration(self.foundation, layer, params)
        _expect(proposal is not None, "a new market needs its configuration voted")
        runner = ProposalRunner(self.foundation.governor, self.foundation.timelock, self.chain, say)
        pid = runner.propose_and_pass(proposal, treasury, [treasury])
        runner.queue(proposal, treasury)
        runner.advance_to(self.foundation.governor.proposalEta(pid))
        # A week of voting and the timelock has passed: the feeds publish fresh rounds (the
        # oracle refuses a feed older than its heartbeat when it is set).
        self.set_prices("start")
        runner.execute(proposal, treasury)
        say(f"executed: {proposal.description}")
        for symbol, token in (("WETH", self.weth), ("WBTC", self.wbtc)):
            listed = sdk.CollateralParams.from_struct(self.market.collateralParams(token)[0])
            price, _ = self.oracle.peekPrice(token)
            say(
                f"{symbol}: max LTV {listed.max_ltv_bps / 100:g}%, liquidation at "
                f"{listed.liquidation_threshold_bps / 100:g}%, bonus "
                f"{listed.liquidation_bonus_bps / 100:g}%, tier {listed.volatility_tier}; "
                f"oracle price {_usd(price)}"
            )
        minter = self.foundation.token.isMinter(self.auction)
        say(f"the auction may mint OTC (within the token's 2% a year): {minter}")
        threshold, level = self.market.largeLoanPolicy()
        say(f"loans above {_usdc(threshold)} need identity level {level}")

    def _supply(self, say_section) -> None:
        say_section("Lending: oscar supplies 100,000 USDC for ERC-4626 shares")
        oscar = self.people["oscar"]
        self.usdc.mint(oscar, 100_000 * USDC_UNIT, sender=oscar)
        self.supplier = sdk.Supplier(self.market, oscar, self.usdc)
        self.supplier.deposit(100_000 * USDC_UNIT)
        shares = self.supplier.shares() / 10 ** self.market.decimals()
        self.say(
            f"oscar holds {shares:,.2f} {self.market.symbol()} shares worth "
            f"{_usdc(self.supplier.balance())} (the shares carry 6 more decimals than USDC)"
        )
        self.balances("oscar")

    def _attest(self, name: str, level: int) -> None:
        identity = self.foundation.identity
        subject = self.people[name]
        attestation = identity_sdk.Attestation(
            subject=subject.address,
            issuer=self.issuer.address,
            level=level,
            did_hash=keccak(text=f"did:example:{subject.address}"),
            expires_at=self.chain.pending_timestamp + 365 * DAY,
            nonce=identity.nonceOf(self.issuer, subject),
        )
        signature = identity_sdk.sign(
            attestation, identity.address, self.chain.chain_id, self.issuer
        )
        identity.attest(attestation.as_tuple(), signature, sender=subject)

    def _describe_limits(self, name: str) -> None:
        limits = self.view.limits(self.people[name])
        kinds = ", ".join(f"{kind.name} {_usdc(value)}" for kind, value in limits.by_kind().items())
        self.say(f"{name}'s limits: {kinds}")
        self.say(
            f"binding: {limits.binding.name} ({_usdc(limits.limit)}); debt {_usdc(limits.debt)}"
            f", headroom {_usdc(limits.headroom)}"
        )

    def _borrow(self, say_section, buyer) -> None:
        say = self.say
        say_section("Lending: peggy pledges WETH and WBTC, borrows USDC and sells it OTC")
        peggy, victor = self.people["peggy"], self.people["victor"]
        self._attest("peggy", 2)
        self._attest("victor", 1)
        say("the issuer attests peggy at level 2 (100,000 USDC a loan) and victor at level 1")
        self.weth.mint(peggy, 25 * WETH_UNIT, sender=peggy)
        self.wbtc.mint(peggy, WBTC_UNIT // 2, sender=peggy)
        self.borrower = sdk.Borrower(self.market, peggy, self.usdc)
        self.borrower.deposit_collateral(self.weth, 25 * WETH_UNIT)
        self.borrower.deposit_collateral(self.wbtc, WBTC_UNIT // 2)
        say("peggy deposits 25 WETH and 0.5 WBTC")
        self._describe_limits("peggy")
        refusal = self._refused_borrow(peggy, 80_000 * USDC_UNIT)
        say(f"she asks for 80,000 USDC: refused, {refusal}")
        receipt = self.borrower.borrow(70_000 * USDC_UNIT)
        borrowed = receipt.decode_logs(self.market.Borrowed)[0]
        say(f"she borrows {_usdc(borrowed.amount)}; her debt is {_usdc(borrowed.debt)}")
        self._describe_limits("peggy")

        self.weth.mint(victor, 10 * WETH_UNIT, sender=victor)
        self.second = sdk.Borrower(self.market, victor, self.usdc)
        self.second.deposit_collateral(self.weth, 10 * WETH_UNIT)
        self.second.borrow(5_000 * USDC_UNIT)
        say("victor, level 1, pledges 10 WETH and borrows 5,000 USDC")
        self._describe_limits("victor")
        self.health("peggy", "victor")

        # The loan feeds an OTC deal: peggy sells 20,000 USDC through the escrow.
        escrow, demo = self.escrow_demo.escrow, self.escrow_demo
        self.usdc.approve(self.foundation.proxy, UNLIMITED, sender=peggy)
        offer = escrow_sdk.build_offer(
            peggy.address,
            self.usdc.address,
            (1_000 * USDC_UNIT, 20_000 * USDC_UNIT),
            "1.0001",
            self.chain.pending_timestamp + 7 * DAY,
            payment_methods="SEPA",
            terms="Loan proceeds, sold for euros.",
            min_level=1,
        )
        signature = escrow_sdk.sign_offer(offer, escrow.address, self.chain.chain_id, peggy)
        before = self.usdc.balanceOf(buyer)
        trade = demo.take(offer, signature, 20_000 * USDC_UNIT, buyer)
        demo.act("markPaid", trade, keccak(text="SEPA ref 9001"), sender=buyer)
        demo.act("release", trade, sender=peggy)
        say(
            f"{self.buyer_name} pays peggy 20,002 USD by bank and she releases: "
            f"{self.buyer_name} receives {_usdc(self.usdc.balanceOf(buyer) - before)}"
        )
        self.balances("peggy", "oscar")

        summary = sdk.market_summary(self.market)
        say(
            f"utilization {summary.utilization / sdk.WAD:.0%}: borrowers pay "
            f"{summary.borrow_rate / sdk.WAD:.2%} a year; 90 days pass"
        )
        self.chain.mine(timestamp=self.chain.pending_timestamp + 90 * DAY)
        self.set_prices("start")  # the feeds kept answering meanwhile
        self.market.accrueInterest(sender=self.people["trent"])
        say(
            f"interest accrued: reserve {_usdc(self.market.reserves())} (the protocol's 10%), "
            f"oscar's shares now worth {_usdc(self.supplier.balance())}"
        )
        self.health("peggy", "victor")

    def _refused_borrow(self, account, amount: int) -> str:
        from openotc.demo.refusals import refused

        refusal = refused(self.market, "borrow", [amount], account)
        kind = sdk.BorrowLimit(refusal["kind"]).name
        debt, limit = _usdc(refusal["debt"]), _usdc(refusal["limit"])
        return f"{refusal.error}({kind}, debt {debt}, limit {limit})"

    def _margin_call(self, say_section) -> None:
        say = self.say
        say_section("Lending: prices dip; the market margin-calls peggy")
        self.set_prices("dip")
        say("WETH falls to 2,600 USD, WBTC to 55,000")
        receipt = self.market.pokeHealth(self.people["peggy"], sender=self.people["trent"])
        for log in receipt.decode_logs(self.market.MarginCall):
            health = log.healthFactor / sdk.WAD
            say(f"pokeHealth: MarginCall({self.name(log.account)}, {health:.4f})")
        watcher = sdk.MarginCallWatcher(self.market, from_block=self.opened_at)
        for account, health in watcher.check():
            say(f"the watcher flags {self.name(account)}: health {health / sdk.WAD:.4f}")
        self.health("peggy", "victor")

    def _partial_liquidation(self, say_section) -> None:
        say = self.say
        say_section("Lending: prices fall further; the keeper liquidates part of peggy's loan")
        trent = self.people["trent"]
        self.usdc.mint(trent, 100_000 * USDC_UNIT, sender=trent)
        self.set_prices("fall")
        say("WETH falls to 2,450 USD, WBTC to 52,000")
        self.health("peggy")
        self.keeper = sdk.LiquidationKeeper(self.market, trent, self.usdc)
        for done in self.keeper.run():
            symbol = self._symbol(done.asset)
            say(
                f"keeper trent repays {_usdc(done.repaid)} of {self.name(done.account)}'s debt and "
                f"receives {self._amount(done.asset, done.seized)} {symbol} (bonus included): "
                f"health {done.health_before / sdk.WAD:.4f} -> {done.health_after / sdk.WAD:.4f}"
            )
        self.health("peggy", "victor")
        self.balances("trent")

    def _sources(self, receipt) -> None:
        for log in receipt.decode_logs(self.oracle.PriceSourceChanged):
            previous, source = sdk.PriceSource(log.previous), sdk.PriceSource(log.source)
            self.say(
                f"PriceSourceChanged({self._symbol(log.asset)}, {previous.name} -> "
                f"{source.name}, {_usd(log.price)})"
            )

    def _symbol(self, asset) -> str:
        return "WETH" if str(asset) == self.weth.address else "WBTC"

    def _amount(self, asset, amount: int) -> str:
        unit = WETH_UNIT if str(asset) == self.weth.address else WBTC_UNIT
        return f"{amount / unit:,.4f}"

    def _stale_primary(self, say_section) -> None:
        say = self.say
        say_section("Lending: the primary WETH feed goes stale; the fallback takes over")
        self.chain.mine(timestamp=self.chain.pending_timestamp + 2 * HOUR)
        weth_main, weth_spare = self.feeds["WETH"]
        wbtc_main, _ = self.feeds["WBTC"]
        weth_spare.setAnswer(PRICES["drift"][0] * 10**FEED_DECIMALS, sender=self.deployer.account)
        wbtc_main.setAnswer(PRICES["drift"][1] * 10**FEED_DECIMALS, sender=self.deployer.account)
        say(
            f"two hours pass: the primary WETH feed has not answered for longer than its "
            f"{PRIMARY_HEARTBEAT // HOUR} h heartbeat; the fallback answers 2,380 USD"
        )
        receipt = self.market.pokeHealth(self.people["peggy"], sender=self.people["trent"])
        say("trent pokes peggy's health; the market asks the oracle for fresh prices:")
        self._sources(receipt)
        price, source = self.oracle.lastGoodPrice(self.weth)
        say(f"the oracle prices WETH at {_usd(price)} from the {sdk.PriceSource(source).name}")

    def _bad_debt(self, say_section) -> None:
        say = self.say
        say_section("Lending: a flash crash leaves bad debt; reserve, then a debt auction")
        token = self.foundation.token
        supply_before = self.supply()
        self.set_prices("crash")
        say("both feeds of each asset report a crash: WETH 900 USD, WBTC 20,000 (-62%)")
        say("one feed alone moving this far would be refused; two that agree are believed")
        self.health("peggy", "victor")
        value_before = self.supplier.balance()
        say("the position is deep under water: the keeper may repay all of it, one asset a time")
        for _ in range(3):  # a pass per collateral asset, until nothing is left to liquidate
            for done in self.keeper.run():
                self._sources(done.receipt)
                say(
                    f"keeper trent repays {_usdc(done.repaid)} and receives "
                    f"{self._amount(done.asset, done.seized)} {self._symbol(done.asset)}"
                    + (f"; bad debt booked: {_usdc(done.bad_debt)}" if done.bad_debt else "")
                )
                for log in done.receipt.decode_logs(self.market.DeficitCoveredByReserve):
                    say(
                        f"the reserve covers {_usdc(log.amount)} at once; left {_usdc(log.deficit)}"
                    )
        _expect(self.market.debtOf(self.people["peggy"]) == 0, "peggy's position closed")
        deficit = self.market.deficit()
        say(f"deficit {_usdc(deficit)}, reserve {_usdc(self.market.reserves())}")
        walter = self.people["walter"]
        self.usdc.mint(walter, 100_000 * USDC_UNIT, sender=walter)
        bidder = sdk.AuctionBidder(
            self.market, walter, self.auction, self.usdc, max_price=USDC_UNIT, step_bps=2_000
        )
        receipt = bidder.start_if_deficit()
        for log in receipt.decode_logs(self.auction.AuctionStarted):
            say(f"auction #{log.id} starts: {_otc(log.lot)} for {_usdc(log.debt)}")
        say(f"OTC supply {_otc(supply_before)} -> {_otc(self.supply())} (lot minted)")
        receipt = bidder.bid()
        bid = receipt.decode_logs(self.auction.BidPlaced)[0]
        say(f"walter bids {_usdc(bid.debt)} for {_otc(bid.lot)} (20% below the offer)")
        state = bidder.live()
        self.chain.mine(timestamp=state.ends_at)
        say("three hours pass without a better bid")
        for _action, receipt in bidder.step():
            for log in receipt.decode_logs(self.auction.AuctionSettled):
                say(f"anyone may settle: walter receives {_otc(log.lot)}")
        summary = sdk.auction_summary(self.auction)
        say(
            f"deficit now {_usdc(self.market.deficit())}; the auction minted "
            f"{_otc(summary.total_minted)} and holds {_otc(summary.inventory)} unsold for the next"
        )
        say(
            f"OTC supply before the auction {_otc(supply_before)}, after {_otc(self.supply())}; "
            f"walter holds {_otc(token.balanceOf(walter))}"
        )
        self.balances("oscar", "walter")
        say(
            f"oscar's shares were worth {_usdc(value_before)} before the crash and "
            f"{_usdc(self.supplier.balance())} now: the suppliers lost nothing"
        )

    def _early_repayment(self, say_section) -> None:
        say = self.say
        say_section("Lending: victor repays early, no fee, and takes his WETH back")
        victor = self.people["victor"]
        self.health("victor")
        debt = self.second.debt()
        # He kept what he borrowed; the interest comes on top.
        self.usdc.mint(victor, debt - self.usdc.balanceOf(victor) + USDC_UNIT, sender=victor)
        before = self.weth.balanceOf(victor)
        receipts = self.second.close()
        repaid = receipts[0].decode_logs(self.market.Repaid)[0]
        say(f"victor repays {_usdc(repaid.amount)}: debt {_usdc(repaid.debt)}")
        back = self.weth.balanceOf(victor) - before
        say(f"his {back / WETH_UNIT:g} WETH return in the next transaction")
        self.health("victor")
        self.balances("victor")
        receipt = self.supplier.redeem()
        withdrawn = receipt.decode_logs(self.market.Withdraw)[0]
        say(f"oscar redeems all his shares: {_usdc(withdrawn.assets)} (he supplied 100,000.00)")
        self.balances("oscar")
        say(sdk.market_summary(self.market).describe())
        _expect(self.market.debtOf(victor) == 0, "victor's debt after closing")
