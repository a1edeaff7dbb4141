"""Reinforcement learning for the tiny models.

* :mod:`helpers.rl.trl_grpo`: GRPO through TRL's ``GRPOTrainer`` (the lab, n01, n02);
* :mod:`helpers.rl.core`: the policy-gradient step every hand-written loop shares, tested
  equal to TRL's loss;
* one module per method on top of the core, each its paper's idea in one screen.
"""

from helpers.rl.trl_grpo import TRL_LOSS_TYPES, GRPOSettings, compare_arms, grpo_config, settings_dict, train_grpo

__all__ = ["TRL_LOSS_TYPES", "GRPOSettings", "compare_arms", "grpo_config", "settings_dict", "train_grpo"]
