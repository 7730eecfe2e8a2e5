"""Developer tools of the OpenOTC repository, not part of the SDK: the gas and code-size
benchmark (`gas`, `make gas`), the slither gate (`slither_gate`, `make slither`) and a
throwaway local anvil chain for the two-chain demo and tests (`localchain`)."""
