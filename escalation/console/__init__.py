"""Agent console: a small aiohttp web app behind a login (``python -m escalation.console``)."""
