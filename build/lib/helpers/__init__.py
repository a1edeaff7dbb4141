"""The shared helpers of the executable book on how reward signals bias what RL-trained language models learn.

One job per module (see the README's Layout section); notebooks import the modules they need,
e.g. ``from helpers import plots, runtime``. Importing this package has no side effects.
"""
