"""Report which spaCy model is installed: the official one or the offline stand-in."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Dict

MODEL = "it_core_news_sm"
logger = logging.getLogger(__name__)


def spacy_model_info() -> Dict[str, object]:
    """Name, version and whether the installed model is the offline stand-in."""
    try:
        installed = version(MODEL)
    except PackageNotFoundError:
        return {"name": MODEL, "version": None, "standin": None, "label": f"{MODEL} (not installed)"}
    standin = "standin" in installed
    note = " (OFFLINE STAND-IN, not the official model)" if standin else " (official)"
    label = f"{MODEL} {installed}{note}"
    return {"name": MODEL, "version": installed, "standin": standin, "label": label}


def warn_if_standin() -> None:
    """Log a loud warning when the stand-in model is in use."""
    info = spacy_model_info()
    if info["standin"]:
        logger.warning("spaCy model in use: %s", info["label"])
