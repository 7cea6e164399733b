"""Custom actions of the ip telecom IMAP/POP3 assistant.

Pure decision logic lives in modules without Rasa SDK imports (``topics``,
``answers``, ``recommendation``, ``clarification``, ``handover``,
``provider_values``, ``setup_guide``, ``satisfaction``); the ``*ing`` modules
are the SDK glue.
"""
