"""The intent blend of DIET and the logistic regression (pure function and the trained component)."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.blended_intents import BlendedIntentClassifier, blend


def test_blend_averages_and_counts_a_missing_intent_as_zero() -> None:
    diet = [{"name": "greet", "confidence": 0.9}, {"name": "goodbye", "confidence": 0.1}]
    regression = [("goodbye", 0.5), ("greet", 0.2), ("thanks", 0.3)]
    ranking = blend(diet, regression, weight=0.5, length=10)
    assert [entry["name"] for entry in ranking] == ["greet", "goodbye", "thanks"]
    assert [entry["confidence"] for entry in ranking] == pytest.approx([0.55, 0.3, 0.15])


def test_blend_weight_zero_is_diet_and_one_is_the_regression() -> None:
    diet = [{"name": "a", "confidence": 0.7}, {"name": "b", "confidence": 0.3}]
    regression = [("a", 0.2), ("b", 0.8)]
    assert blend(diet, regression, 0.0, 10)[0] == {"name": "a", "confidence": pytest.approx(0.7)}
    assert blend(diet, regression, 1.0, 10)[0] == {"name": "b", "confidence": pytest.approx(0.8)}


def test_blend_keeps_only_the_ranking_length() -> None:
    regression = [(f"intent_{n}", 1 / 12) for n in range(12)]
    assert len(blend([], regression, 1.0, 10)) == 10


def test_trained_component_blends_and_keeps_training_labels(tmp_path) -> None:
    texts = {"saluto": ["ciao", "buongiorno", "ciao a tutti", "salve"],
             "congedo": ["arrivederci", "a presto", "ciao ciao ci vediamo", "addio"]}
    examples = [Message.build(text=text, intent=intent) for intent, items in texts.items() for text in items]
    data = TrainingData(examples)
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    featurizer = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb",
         "min_ngram": 2, "max_ngram": 3},
        storage, Resource("cvf"), context)
    tokenizer.process_training_data(data)
    featurizer.train(data)
    featurizer.process_training_data(data)
    classifier = BlendedIntentClassifier.create(
        BlendedIntentClassifier.get_default_config(), storage, Resource("blend"), context)
    classifier.train(data)
    classifier.process_training_data(data)
    assert [example.get("intent") for example in examples] == ["saluto"] * 4 + ["congedo"] * 4

    message = Message(data={"text": "arrivederci a presto"})
    tokenizer.process([message])
    featurizer.process([message])
    diet = [{"name": "saluto", "confidence": 0.6}, {"name": "congedo", "confidence": 0.4}]
    message.set("intent_ranking", diet)
    classifier.process([message])
    ranking = message.get("intent_ranking")
    assert message.get("intent") == ranking[0]
    assert {entry["name"] for entry in ranking} == {"saluto", "congedo"}
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)
    assert ranking[0]["name"] == "congedo", "the regression, sure of the farewell, outweighs DIET's 0.6"

    empty = Message(data={"text": ""})  # spaCy gives no tokens, so the featurizers add nothing
    empty.set("intent", {"name": None, "confidence": 0.0})
    classifier.process([empty, message])  # no features: left as it was, the other still blended
    assert empty.get("intent") == {"name": None, "confidence": 0.0}
    assert message.get("intent")["name"] == "congedo"


def test_regularisation_comes_from_the_configuration(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    default = BlendedIntentClassifier.create(
        BlendedIntentClassifier.get_default_config(), storage, Resource("default"), context)
    tuned = BlendedIntentClassifier.create(
        {**BlendedIntentClassifier.get_default_config(), "C": 3, "max_iter": 1000},
        storage, Resource("tuned"), context)
    assert default.clf.C == 1.0, "scikit-learn's own default, as in Rasa's regression"
    assert (tuned.clf.C, tuned.clf.max_iter) == (3.0, 1000)
