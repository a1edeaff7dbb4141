"""Synthetic tasks with known ground truth, one module per task family, each with its verifier/reward."""
