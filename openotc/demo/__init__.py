"""The end-to-end demo of `make demo`, one module per scenario: governance, the asset proxy,
identity, the juror court, the escrow, the atomic swap and the lending market. `walkthrough.run`
deploys the suite on a local chain and plays them in order; `scripts/demo.py` only calls it."""

from openotc.demo.walkthrough import run

__all__ = ["run"]
