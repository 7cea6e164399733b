"""The message catalogue: customer-facing sentences of the services that are not Rasa.

``text("widget.rate_limited")`` returns the sentence from ``messages/it.yml``;
keyword arguments fill its ``{placeholders}``. A missing key raises KeyError, so
a typo fails loudly in tests instead of showing an empty message.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

CATALOGUE = Path(__file__).resolve().parent / "it.yml"


@lru_cache(maxsize=1)
def catalogue() -> Dict[str, str]:
    """Every sentence by dotted key ("widget.rate_limited")."""
    raw = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")) or {}
    return {f"{section}.{key}": str(value) for section, entries in raw.items()
            for key, value in (entries or {}).items()}


def text(key: str, **values: Any) -> str:
    """The sentence ``key``, with ``values`` filled in."""
    sentence = catalogue()[key]
    return sentence.format(**values) if values else sentence
