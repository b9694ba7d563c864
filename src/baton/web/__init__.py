"""Server-rendered pages (Jinja2) calling the same services as the API."""
