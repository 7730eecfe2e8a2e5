"""OpenOTC SDK."""
