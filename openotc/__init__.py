"""OpenOTC Python package.

- The SDK an integrator imports, one module per subsystem: `openotc.escrow` (offers, trades,
  chat evidence), `openotc.court` (juror duty and salts), `openotc.swap` (cross-chain HTLC
  swaps, cooperative refunds), `openotc.lending` (positions, supply, the liquidation keeper,
  the margin-call watcher, the auction bidder), `openotc.identity` (attestations),
  `openotc.governance` (proposals through the governor and the timelock) and `openotc.eip712`
  (typed data), with the shared units and constants in `openotc.units`.
- `openotc.deployment`: parameters, deployment and deployment records (`ape run deploy`).
- `openotc.demo`: the scenarios of `make demo`.
- `openotc.devtools`: the gas benchmark, the slither gate and a local second chain.

The scripts in `scripts/` stay thin wrappers around these packages.
"""

__version__ = "0.1.0"
