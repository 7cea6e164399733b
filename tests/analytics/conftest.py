"""Analytics tests: helpers importable by name, the stack fixture's module at hand."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # rasa_events, also with --import-mode=importlib
    sys.path.insert(0, str(HERE))
