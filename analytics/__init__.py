"""Support-team analytics: the Rasa event feed turned into per-conversation facts and period stats.

Modules: ``masking`` (personal data out of any text), ``conversations`` (pure:
events -> one summary per conversation), ``stats`` (pure: summaries -> figures
and per-day rows), ``store`` (I/O: the broker database and the tickets),
``report`` (the two together for a date range), ``export`` (CSV).
"""
