"""Make the repository root importable (channels, webapp, tests.support) under plain `pytest`."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.stack import rasa_stack  # noqa: E402,F401  (session fixture)
