"""Escalation service: tickets, durable agent notifications and the agent console.

The Rasa actions call :mod:`escalation.service` (synchronous). The outbox worker
(``python -m escalation.worker``) delivers notifications, the console
(``python -m escalation.console``) lets agents take over a conversation and
``python -m escalation.purge`` enforces the retention period.
"""
