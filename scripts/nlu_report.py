"""Summarise `rasa test nlu` on the held-out split and fail below the quality gate.

Usage: python scripts/nlu_report.py RESULTS_DIR
Prints intent accuracy, macro F1, entity F1 and how many out-of-scope examples
were routed to a fallback or escalation; writes summary.json in RESULTS_DIR.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict

# Intents that are out of scope: answered by declining or by a person.
OOS_INTENTS = {"oos_billing", "oos_password", "oos_hacked", "oos_line_fault", "oos_contract",
               "chitchat", "out_of_scope"}
ROUTED = OOS_INTENTS | {"nlu_fallback", "request_human"}
GATE = {"intent_accuracy": 0.85, "oos_routed": 0.85}


def summarise(results: Path) -> Dict[str, float]:
    """Compute the figures from Rasa's report files."""
    report = json.loads((results / "intent_report.json").read_text())
    errors = json.loads((results / "intent_errors.json").read_text()) if (
        results / "intent_errors.json").exists() else []
    oos_total = sum(report[i]["support"] for i in OOS_INTENTS if i in report)
    oos_missed = sum(
        1 for e in errors
        if e["intent"] in OOS_INTENTS and e["intent_prediction"]["name"] not in ROUTED
    )
    in_scope_total = sum(v["support"] for k, v in report.items()
                         if isinstance(v, dict) and "support" in v and k not in OOS_INTENTS
                         and k not in ("macro avg", "weighted avg", "micro avg"))
    false_fallback = sum(
        1 for e in errors
        if e["intent"] not in OOS_INTENTS and e["intent_prediction"]["name"] in ROUTED
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
    summary = summarise(results)
    (results / "summary.json").write_text(json.dumps(summary, indent=2))
    print("Held-out NLU:", json.dumps(summary))
    failed = [k for k, v in GATE.items() if summary.get(k) is None or summary[k] < v]
    if failed:
        print(f"NLU quality gate failed: {failed} (gate {GATE})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
