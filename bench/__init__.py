"""Benchmarks of the hub's live path: scripts that print figures, not tests. See README.md."""
