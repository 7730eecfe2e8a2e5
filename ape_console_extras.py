"""`ape console` helpers: on a network with a recorded deployment, the deployed OpenOTC
contracts are in the namespace by contract name (OTCToken, OTCGovernor, AssetProxy, ...) and
by role (token, governor, timelock, registry, proxy, identity, randomness, court, arbitrator,
escrow, swap, oracle).

Lending markets are in `markets` by stablecoin symbol (and as `market`, with its `auction`,
when there is one), and these print an operator's view of them (`market` defaults to the only
one, or give a market or its symbol):

- `lending()`: every market's books (supplied, cash, borrowed, reserve, deficit, rate);
- `positions(market, from_block=0)`: each borrower's debt, collateral value and health factor;
- `reserve(market)`, `deficit(market)`: the protocol reserve and the uncovered bad debt;
- `auctions(market)`: the live debt auction, the token held for lots, minted, still mintable.
"""

from openotc.deployment.deploy import ALL_CONTRACTS, LENDING_CONTRACTS, load_deployed


def ape_init_extras(chain, project):
    try:
        deployed = load_deployed(project, chain)
    except Exception as error:  # no provider, or an unreadable record: start the console anyway
        print(f"OpenOTC: no deployment loaded ({error})")
        return {}
    extras = {name: contract for name, contract in deployed.items() if name.isidentifier()}
    for role, contract_type in {**ALL_CONTRACTS, **LENDING_CONTRACTS}.items():
        if contract_type in deployed:
            extras[role] = deployed[contract_type]
    markets = {
        name.partition(":")[2]: contract
        for name, contract in deployed.items()
        if contract.contract_type.name == "LendingMarket"
    }
    extras.update(_lending_helpers(project, markets))
    if len(markets) == 1:
        extras["market"] = next(iter(markets.values()))
        address = extras["market"].debtAuction()
        extras["auction"] = project.DebtAuction.at(address, fetch_from_explorer=False)
    if deployed:
        print("OpenOTC contracts loaded: " + ", ".join(sorted(extras)))
    return extras


def _lending_helpers(project, markets: dict) -> dict:
    from openotc import lending as sdk

    def pick(market=None):
        if market is None:
            if len(markets) != 1:
                raise ValueError(f"name a market: {', '.join(markets) or 'none deployed'}")
            return next(iter(markets.values()))
        return markets[market] if isinstance(market, str) else market

    def unit_of(market) -> tuple[int, str]:
        token = sdk.erc20_at(market.asset())
        return 10 ** token.decimals(), token.symbol()

    def lending():
        """Every market's books."""
        for market in markets.values():
            print(sdk.market_summary(market).describe())

    def positions(market=None, from_block: int = 0):
        """Each borrower's debt, collateral value (USD) and health factor, worst first."""
        market = pick(market)
        unit, symbol = unit_of(market)
        rows = sdk.positions(market, from_block)
        for account, position in rows:
            flag = " LIQUIDATABLE" if position.liquidatable else ""
            print(
                f"{account}  debt {position.debt / unit:,.2f} {symbol}  collateral "
                f"{position.collateral_value / sdk.WAD:,.2f} USD  health "
                f"{sdk.describe_health(position.health_factor)}{flag}"
            )
        return rows

    def reserve(market=None) -> int:
        """The protocol reserve, in stablecoin units."""
        market = pick(market)
        unit, symbol = unit_of(market)
        print(f"reserve {market.reserves() / unit:,.2f} {symbol}")
        return market.reserves()

    def deficit(market=None) -> int:
        """Debt no collateral backs that neither the reserve nor an auction covered yet."""
        market = pick(market)
        unit, symbol = unit_of(market)
        print(f"deficit {market.deficit() / unit:,.2f} {symbol}")
        return market.deficit()

    def auctions(market=None):
        """The market's debt auction: live auction, inventory, minted, still mintable."""
        market = pick(market)
        unit, symbol = unit_of(market)
        auction = project.DebtAuction.at(market.debtAuction(), fetch_from_explorer=False)
        summary = sdk.auction_summary(auction)
        token = 10**18
        print(
            f"debt auction {summary.address}: inventory {summary.inventory / token:,.2f} OTC, "
            f"minted {summary.total_minted / token:,.2f} OTC, mintable now "
            f"{summary.mintable / token:,.2f} OTC"
        )
        live = summary.live
        if live is None:
            print("no live auction")
        else:
            bidder = live.bidder if live.has_bid else "no bid yet"
            print(
                f"auction #{live.id}: {live.lot / token:,.2f} OTC for {live.debt / unit:,.2f} "
                f"{symbol}, best bidder {bidder}, ends at {live.ends_at}"
            )
        return summary

    return {
        "markets": markets,
        "lending": lending,
        "positions": positions,
        "reserve": reserve,
        "deficit": deficit,
        "auctions": auctions,
    }
