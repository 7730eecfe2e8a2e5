"""OpenOTC test suites; `tests.utils` is their toolkit."""
