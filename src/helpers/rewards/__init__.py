"""Reward models and judges: what the policy is optimised against (n10, n14)."""
