"""Measurements of a trained model: calibration and Pass@k, linear probes, parameter sparsity."""
