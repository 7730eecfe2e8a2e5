"""Deployment of OpenOTC: the parameters of each layer per network (`params`), deploying and
wiring the contracts in dependency order (`deploy`), and the per-chain record of what was
deployed (`records`). `ape run deploy` and `ape console` are thin wrappers around it."""
