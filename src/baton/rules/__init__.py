"""Pure business rules: values in, values out. No database, HTTP, clock or environment."""
