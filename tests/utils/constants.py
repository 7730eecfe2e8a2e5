"""Amounts the suites share. General units (ZERO_ADDRESS, UNLIMITED, ETHER, TOKEN_UNIT,
USDC_UNIT, MINUTE, HOUR, DAY) come from `openotc.units`."""

from openotc.units import TOKEN_UNIT

GAS_MONEY = 10**20  # wei, for contracts impersonated as senders (they hold no ether)
JUROR_FUNDS = 100_000 * TOKEN_UNIT  # protocol tokens a fresh juror receives from the treasury
