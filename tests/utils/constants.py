"""Amounts the suites share. General units (ZERO_ADDRESS, UNLIMITED, ETHER, TOKEN_UNIT,
USDC_UNIT, MINUTE, HOUR, DAY) come from `openotc.units`."""

GAS_MONEY = 10**20  # wei, for contracts impersonated as senders (they hold no ether)
