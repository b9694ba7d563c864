"""Use cases: read rows, call rules, write rows. They take a session and never commit."""
