"""The session-wide running stack for the widget tests."""

from tests.support.stack import rasa_stack  # noqa: F401  (session fixture)
