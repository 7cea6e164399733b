"""NLU component that recognises input the assistant should not try to understand.

It runs after the intent classifier and, for empty, over-long, symbol-only,
markup-only or slash-command text, replaces the predicted intent with
``bad_input`` (confidence 1.0) and records the kind in the ``input_problem``
entity, so a rule can answer politely. The decision itself is
``classify_input`` below, a pure function.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from escalation.masking import MASK
from settings import load_settings

BAD_INPUT_INTENT = "bad_input"
PROBLEM_ENTITY = "input_problem"
NEUTRALISED_SLASH = "\uff0f"  # fullwidth solidus put in place of a leading "/"

_TAG = re.compile(r"<[^>]{0,500}>")


def classify_input(text: Optional[str], max_chars: int = 2000) -> Optional[str]:
    """Return the kind of problem with ``text`` or None when it can be parsed.

    Kinds: ``empty``, ``too_long``, ``command`` (text that started with "/"),
    ``secret`` (a password the channel masked before it reached Rasa),
    ``markup`` (only HTML/script tags), ``no_words`` (only emoji, symbols
    or binary noise; digits alone are kept: a phone number is an answer).
    """
    if text is None or not text.strip():
        return "empty"
    stripped = text.strip()
    if len(stripped) > max_chars:
        return "too_long"
    if stripped.startswith((NEUTRALISED_SLASH, "/")):
        return "command"
    if MASK in stripped:
        return "secret"
    without_tags = _TAG.sub(" ", stripped)
    if without_tags != stripped and not re.search(r"[^\W\d_]{2,}", _visible_text(without_tags)):
        return "markup"
    letters = sum(1 for ch in stripped if unicodedata.category(ch)[0] in "LN")
    if letters == 0 or _is_keyboard_noise(stripped):
        return "no_words"
    controls = sum(1 for ch in stripped if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"))
    if controls > 0 and controls * 5 >= len(stripped):
        return "no_words"
    return None


def _is_keyboard_noise(text: str) -> bool:
    """One letter repeated ("lllllll") or a long run of letters with no vowel ("sdfghjkl")."""
    letters = [ch.lower() for ch in text if ch.isalpha()]
    if len(letters) >= 4 and len(set(letters)) == 1:
        return True
    words = re.findall(r"[^\W\d_]+", text)
    return bool(words) and all(
        len(w) >= 5 and not re.search(r"[aeiouyàèéìíòóùú]", w, re.IGNORECASE) for w in words
    )


def _visible_text(text: str) -> str:
    """Drop script/style-like code fragments left between tags."""
    return re.sub(r"(alert|console|document|window)\s*\([^)]*\)", " ", text)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class InputGuard(GraphComponent):
    """Overrides the intent of unusable input with ``bad_input``."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Longest text, in characters, that is still parsed: by default the
        provider settings' ``web.max_message_chars``, the limit the channels apply."""
        return {"max_chars": None}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_chars = int(config.get("max_chars") or load_settings().max_message_chars)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "InputGuard":
        """Create the component (it has nothing to train)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Flag unusable messages."""
        for message in messages:
            problem = classify_input(message.get(TEXT), self._max_chars)
            if problem is None:
                continue
            message.set(INTENT, {"name": BAD_INPUT_INTENT, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{"name": BAD_INPUT_INTENT, "confidence": 1.0}],
                add_to_output=True,
            )
            message.set(
                ENTITIES,
                [{"entity": PROBLEM_ENTITY, "value": problem, "start": 0, "end": 0,
                  "extractor": "InputGuard"}],
                add_to_output=True,
            )
        return messages
