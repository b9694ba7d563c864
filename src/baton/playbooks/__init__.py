"""Playbooks shipped with Baton (package data)."""

from importlib.resources import files

DEFAULT = "default.yaml"


def default_playbook_text() -> str:
    """The text of the shipped default playbook: version 1 on a fresh install."""
    return files(__package__).joinpath(DEFAULT).read_text(encoding="utf-8")
