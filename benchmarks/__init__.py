"""Reproducible performance scripts; each prints its figures beside the targets."""
