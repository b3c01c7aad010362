"""Benchmarks of als-kg: a synthetic graph generator and the suite that times it."""
