"""Read response texts from the domain sent to the action server."""

from __future__ import annotations

from typing import Any, Dict, Optional


def response_text(domain: Dict[str, Any], name: str) -> Optional[str]:
    """Text of the first variation of response ``name``, or None."""
    variations = (domain.get("responses") or {}).get(name) or []
    for variation in variations:
        text = variation.get("text")
        if text:
            return str(text)
    return None
