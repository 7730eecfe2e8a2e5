"""OpenOTC Python SDK: deployment, governance helpers and off-chain signing.

Scripts (`ape run ...`), the test suite and integrators import this package; the scripts in
`scripts/` stay thin wrappers around it.
"""

__version__ = "0.1.0"
