"""The SingleArbitrator is deployed with the escrow
(`openotc.deployment.deploy.deploy_escrow`), and its disputes come from escrow trades: the
escrow suites' fixtures, shared with the same scopes."""

from tests.escrow.conftest import (  # noqa: F401 (fixtures)
    act,
    arbitration_cost,
    arbitrator,
    book,
    buyer,
    create_market,
    create_offer,
    disputed,
    escrow,
    escrow_layer,
    fee_bps,
    funded,
    offer,
    open_trade,
    paid,
    payment_reference,
    ruler,
    seller,
    trade_amount,
    usdc_market,
)
