"""Baton: one lead pipeline for marketing and sales."""

__version__ = "0.1.0"
