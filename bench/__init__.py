"""Benchmarks: run by hand against a throw-away PostgreSQL database, never in CI (STACK.md)."""
