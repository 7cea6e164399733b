"""Summarise `rasa test nlu --successes` on the held-out split; fail below the quality gate.

Usage: python scripts/nlu_report.py RESULTS_DIR [CONFIG]
Prints intent accuracy, macro F1, entity F1, the share of out-of-scope examples
routed to a fallback or escalation, and the share of in-scope examples wrongly
routed there; writes summary.json in RESULTS_DIR.

`rasa test nlu` undoes the FallbackClassifier's prediction before reporting,
so the fallback is re-applied here from each prediction's confidence and the
threshold in config.yml (the ambiguity threshold needs the full ranking, which
the report files do not keep, so it is not applied: routing is slightly
under-counted).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict, List, Optional

import yaml

# Intents that are out of scope: answered by declining or by a person.
OOS_INTENTS = {"oos_billing", "oos_password", "oos_hacked", "oos_line_fault", "oos_contract",
               "chitchat", "out_of_scope"}
ROUTED = OOS_INTENTS | {"nlu_fallback", "request_human"}
GATE = {"intent_accuracy": 0.85, "oos_routed": 0.85}


def fallback_threshold(config: Path) -> float:
    """The FallbackClassifier threshold of a Rasa config (0 when there is none)."""
    pipeline = (yaml.safe_load(config.read_text()) or {}).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.0


def _load(path: Path) -> List[dict]:
    return json.loads(path.read_text()) if path.exists() else []


def routed_name(prediction: dict, threshold: float) -> str:
    """The intent the assistant acts on, with the fallback applied."""
    if float(prediction.get("confidence") or 0.0) < threshold:
        return "nlu_fallback"
    return str(prediction.get("name"))


def summarise(results: Path, config: Optional[Path] = None) -> Dict[str, float]:
    """Compute the figures from Rasa's report files."""
    threshold = fallback_threshold(config or Path("config.yml"))
    report = json.loads((results / "intent_report.json").read_text())
    predictions = _load(results / "intent_errors.json") + _load(results / "intent_successes.json")
    oos = [p for p in predictions if p["intent"] in OOS_INTENTS]
    in_scope = [p for p in predictions if p["intent"] not in OOS_INTENTS]
    oos_total, in_scope_total = len(oos), len(in_scope)
    oos_missed = sum(1 for p in oos if routed_name(p["intent_prediction"], threshold) not in ROUTED)
    false_fallback = sum(
        1 for p in in_scope if routed_name(p["intent_prediction"], threshold) in ROUTED
    )
    entity_f1 = None
    for name in ("DIETClassifier_report.json",):
        path = results / name
        if path.exists():
            entity_f1 = json.loads(path.read_text()).get("macro avg", {}).get("f1-score")
    return {
        "intent_accuracy": round(report["accuracy"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "entity_f1": round(entity_f1, 4) if entity_f1 is not None else None,
        "oos_routed": round(1 - oos_missed / oos_total, 4) if oos_total else None,
        "false_fallback": round(false_fallback / in_scope_total, 4) if in_scope_total else None,
        "examples": in_scope_total + oos_total,
    }


def main() -> int:
    """Print the summary and apply the gate."""
    results = Path(sys.argv[1] if len(sys.argv) > 1 else "results/nlu")
    config = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    summary = summarise(results, config)
    (results / "summary.json").write_text(json.dumps(summary, indent=2))
    print("Held-out NLU:", json.dumps(summary))
    failed = [k for k, v in GATE.items() if summary.get(k) is None or summary[k] < v]
    if failed:
        print(f"NLU quality gate failed: {failed} (gate {GATE})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
