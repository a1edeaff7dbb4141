"""The claims tested without a language model (n08, n12): classifiers, decision utility, click rankers."""
