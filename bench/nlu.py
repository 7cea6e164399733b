"""NLU quality on the held-out split: run the evaluation, compute the figures.

Two sources, both written by ``bench.nlu_worker`` into one directory:

* ``report/`` - Rasa's own evaluation (``rasa test nlu``'s files). Intent
  accuracy, macro F1 and entity F1 come from here, so they match
  ``make nlu-test``. Rasa undoes FallbackClassifier predictions while testing
  (rasa/nlu/test.py), so these judge the classifier itself.
* ``predictions.json`` - the final intent of every held-out example after the
  whole pipeline, fallback included: what the dialogue really acts on. The
  routing figures come from here, because ``intent_errors.json`` never
  contains ``nlu_fallback``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional

from scripts.nlu_report import OOS_INTENTS, ROUTED

NLU_KEYS = ("intent_accuracy", "macro_f1", "entity_f1", "oos_routed", "false_fallback")
REPORT_DIR = "report"
PREDICTIONS = "predictions.json"
ENTITY_REPORT = "DIETClassifier_report.json"


def routing_rates(predictions: Iterable[Mapping[str, object]]) -> Dict[str, Optional[float]]:
    """Share of out-of-scope examples routed, and of in-scope ones wrongly routed.

    ``oos_routed``: examples whose true intent is out of scope (``OOS_INTENTS``)
    and whose final prediction is any routed intent (out of scope,
    ``nlu_fallback`` or ``request_human``). ``false_fallback``: in-scope
    examples whose final prediction is a routed intent other than their own
    (so a correct ``request_human`` does not count, a topic question sent to
    the fallback, a decline or a person does). None when there is no example.
    """
    oos_total = oos_routed = in_total = in_routed = 0
    for item in predictions:
        gold, predicted = item["intent"], item["predicted"]
        if gold in OOS_INTENTS:
            oos_total += 1
            oos_routed += predicted in ROUTED
        else:
            in_total += 1
            in_routed += predicted in ROUTED and predicted != gold
    return {
        "oos_routed": round(oos_routed / oos_total, 4) if oos_total else None,
        "false_fallback": round(in_routed / in_total, 4) if in_total else None,
    }


def summarise(out_dir: Path) -> Dict[str, Optional[float]]:
    """The five NLU figures from a directory written by ``bench.nlu_worker``."""
    report_dir = out_dir / REPORT_DIR
    intents = json.loads((report_dir / "intent_report.json").read_text())
    entity_f1: Optional[float] = None
    entity_path = report_dir / ENTITY_REPORT
    if entity_path.exists():
        value = json.loads(entity_path.read_text()).get("macro avg", {}).get("f1-score")
        entity_f1 = round(float(value), 4) if value is not None else None
    predictions: List[Dict[str, object]] = json.loads((out_dir / PREDICTIONS).read_text())
    return {
        "intent_accuracy": round(float(intents["accuracy"]), 4),
        "macro_f1": round(float(intents["macro avg"]["f1-score"]), 4),
        "entity_f1": entity_f1,
        **routing_rates(predictions),
    }


def routing_mistakes(out_dir: Path, limit: int = 15) -> Dict[str, List[str]]:
    """A few examples of each routing mistake, for the written report."""
    predictions = json.loads((out_dir / PREDICTIONS).read_text())
    missed = [f"{p['text']} ({p['intent']} -> {p['predicted']})" for p in predictions
              if p["intent"] in OOS_INTENTS and p["predicted"] not in ROUTED]
    wrongly = [f"{p['text']} ({p['intent']} -> {p['predicted']})" for p in predictions
               if p["intent"] not in OOS_INTENTS and p["predicted"] in ROUTED
               and p["predicted"] != p["intent"]]
    return {"oos_not_routed": missed[:limit], "in_scope_routed": wrongly[:limit]}


def evaluate(model: Path, heldout: Path, out_dir: Path, env: Mapping[str, str],
             log: Path) -> Dict[str, Optional[float]]:
    """Evaluate ``model`` on the ``heldout`` split in a child process; return the figures."""
    from bench.plan import ROOT
    from bench.progress import ticking

    out_dir.mkdir(parents=True, exist_ok=True)
    with ticking(f"evaluating {model.name}"), log.open("w") as sink:
        subprocess.run(
            [sys.executable, "-m", "bench.nlu_worker", "--model", str(model),
             "--data", str(heldout), "--out", str(out_dir)],
            cwd=ROOT, env={**os.environ, **env}, stdout=sink, stderr=subprocess.STDOUT,
            check=True, timeout=1800,
        )
    return summarise(out_dir)
