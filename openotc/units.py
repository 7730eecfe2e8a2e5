"""Units and constants shared by the SDK, deployment, demo, tools and tests: one home each.

Token amounts are in the token's smallest unit (wei-like); durations in seconds."""

ZERO_ADDRESS = "0x" + "00" * 20
MAX_UINT256 = 2**256 - 1
UNLIMITED = MAX_UINT256  # an ERC-20 approval that never runs out

ETHER = 10**18  # wei per ether
TOKEN_UNIT = 10**18  # smallest units per protocol token (18 decimals)
USDC_UNIT = 10**6  # smallest units per 6-decimal stablecoin

BPS = 10_000  # basis points in a whole (fees, bonds and ratios are given in basis points)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
