"""NLU component: DIET's intent ranking averaged with a logistic regression on the same features.

DIET and a linear model make different mistakes on wordings they have not
seen: DIET learns from the token sequence, the logistic regression from the
bag of word and character n-grams. Placed right after DIET, this component
trains Rasa's own ``LogisticRegressionClassifier`` on the sentence features and,
at run time, replaces the intent and its ranking with
``weight`` x regression + (1 - weight) x DIET (:func:`blend`, pure). DIET's
entities are untouched. ``weight`` 0 is DIET alone.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

Ranking = List[Dict[str, Any]]


def blend(earlier: Iterable[Mapping[str, Any]], regression: Iterable[Tuple[str, float]],
          weight: float, length: int) -> Ranking:
    """The ``length`` best intents by ``weight`` x regression + (1 - weight) x earlier confidence.

    An intent missing from one ranking counts 0 there (DIET ranks only its top
    ten). Ties keep the regression's class order, so the result is stable.
    """
    scores = {str(entry["name"]): (1.0 - weight) * float(entry["confidence"]) for entry in earlier}
    for name, probability in regression:
        scores[name] = scores.get(name, 0.0) + weight * float(probability)
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return [{"name": name, "confidence": score} for name, score in ranked[:length]]


def _has_sentence_features(message: Message) -> bool:
    """True when the featurizers gave ``message`` a sentence-level feature vector."""
    return any(features[1] is not None for features in (message.get_sparse_features(TEXT),
                                                          message.get_dense_features(TEXT)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class BlendedIntentClassifier(LogisticRegressionClassifier):
    """Rasa's logistic regression, blended into the intent ranking of the classifier before it."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Rasa's logistic regression defaults, plus its inverse regularisation ``C`` and ``weight``."""
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "weight": 0.5}

    def __init__(self, config: Dict[Text, Any], *args: Any) -> None:
        """Rasa's regression, with ``C`` (Rasa leaves scikit-learn's 1.0) configurable."""
        super().__init__(config, *args)
        self.clf.set_params(C=float(self.config["C"]))

    def process(self, messages: List[Message]) -> List[Message]:
        """Blend each message's intent ranking with the regression's probabilities."""
        # An empty message has no sentence features: its earlier ranking stands, as it
        # does when the regression is untrained (no intent examples).
        featurized = [message for message in messages if _has_sentence_features(message)]
        if not featurized or not hasattr(self.clf, "classes_"):
            return messages
        probabilities = self.clf.predict_proba(self._create_X(featurized))
        weight = float(self.config["weight"])
        length = int(self.config["ranking_length"]) or len(self.clf.classes_)
        for message, row in zip(featurized, probabilities):
            earlier = message.get(INTENT_RANKING_KEY) or []
            ranking = blend(earlier, zip(self.clf.classes_, row), weight if earlier else 1.0, length)
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leave the training examples' intents as they are (the parent overwrites them)."""
        return training_data
