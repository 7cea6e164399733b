"""NLU component: a message made only of words the assistant never learned is out of scope.

DIET gives a confident intent to anything, nonsense included: four random
nouns were classified as a line fault (and escalated) with confidence 0.95.
This component learns the vocabulary of the in-scope training data (the
examples of every intent but ``out_of_scope`` and ``chitchat``, synonyms,
lookup tables) and, at run time, when a message of two or more words contains
none of them, replaces the intent with ``out_of_scope``, which
the dialogue answers politely (and a second miss offers a person). Small talk
has its own words: a ``chitchat`` guess stands when the message has a word of
the small-talk examples or of the in-scope vocabulary, and random nouns
guessed as small talk become ``out_of_scope`` too. The decision is
:func:`replaces`, a pure function.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

OUT_OF_SCOPE = "out_of_scope"
#: Intents whose examples are everyday words about anything: not the assistant's vocabulary.
OFF_TOPIC_INTENTS = frozenset({OUT_OF_SCOPE, "chitchat"})
VOCABULARY_FILE = "vocabulary.json"
CHITCHAT_FILE = "chitchat_vocabulary.json"
_WORD = re.compile(r"[^\W\d_]{3,}")


def words(text: Optional[str]) -> List[str]:
    """Words of three letters or more, lowercased and without accents."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain)


def only_unknown_words(text: Optional[str], vocabulary: Set[str], minimum: int = 2) -> bool:
    """True when ``text`` has at least ``minimum`` words and none is in ``vocabulary``."""
    found = words(text)
    return len(found) >= minimum and not any(word in vocabulary for word in found)


def replaces(intent: Optional[str], text: Optional[str], vocabulary: Set[str], minimum: int = 2,
             chitchat: Optional[Set[str]] = None) -> bool:
    """True when the guard turns a prediction into ``out_of_scope``.

    Unreadable input (``bad_input``) is left alone. Small talk (``chitchat``)
    is judged against the small-talk words as well, and left alone when those
    are unknown (``chitchat`` None).
    """
    if intent == "bad_input" or not vocabulary:
        return False
    if intent == "chitchat":
        return chitchat is not None and only_unknown_words(text, vocabulary | chitchat, minimum)
    return only_unknown_words(text, vocabulary, minimum)


def vocabulary_of(texts: Iterable[str]) -> Set[str]:
    """Every word of ``texts``."""
    learned: Set[str] = set()
    for text in texts:
        learned.update(words(text))
    return learned


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class VocabularyGuard(GraphComponent):
    """Turns messages with no known word into ``out_of_scope``."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Fewest words a message needs before it can be judged (one word is too little);
        whether small talk is judged against its own words."""
        return {"minimum_words": 2, "judge_small_talk": True}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Set[str]] = None, chitchat: Optional[Set[str]] = None) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or set()
        self._chitchat = chitchat

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "VocabularyGuard":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "VocabularyGuard":
        with model_storage.read_from(resource) as directory:
            vocabulary = set(json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8")))
            chitchat_file = directory / CHITCHAT_FILE
            # A model trained before the small-talk words existed leaves small talk alone.
            chitchat = (set(json.loads(chitchat_file.read_text(encoding="utf-8")))
                        if chitchat_file.exists() else None)
        return cls(config, model_storage, resource, vocabulary, chitchat)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the words of the in-scope examples (synonyms, lookup tables) and of small talk."""
        texts = [m.get(TEXT) or "" for m in training_data.training_examples
                 if m.get(INTENT) not in OFF_TOPIC_INTENTS]
        self._chitchat = vocabulary_of(m.get(TEXT) or "" for m in training_data.training_examples
                                       if m.get(INTENT) == "chitchat")
        texts += list(training_data.entity_synonyms) + list(training_data.entity_synonyms.values())
        for table in training_data.lookup_tables:
            texts += [str(element) for element in table.get("elements") or []]
        self._vocabulary = vocabulary_of(texts)
        with self._storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(self._vocabulary)),
                                                      encoding="utf-8")
            (directory / CHITCHAT_FILE).write_text(json.dumps(sorted(self._chitchat)),
                                                    encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Mark messages made only of unknown words as out of scope."""
        minimum = int(self._config.get("minimum_words", 2))
        chitchat = self._chitchat if self._config.get("judge_small_talk", True) else None
        for message in messages:
            intent = (message.get(INTENT) or {}).get("name")
            if replaces(intent, message.get(TEXT), self._vocabulary, minimum, chitchat):
                message.set(INTENT, {"name": OUT_OF_SCOPE, "confidence": 1.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [{"name": OUT_OF_SCOPE, "confidence": 1.0}],
                            add_to_output=True)
        return messages
