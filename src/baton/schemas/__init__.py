"""Pydantic schemas shared by the API, the CLI and imports: XCreate, XUpdate, XRead."""
