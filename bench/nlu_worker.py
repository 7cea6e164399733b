"""Child process of the NLU evaluation (keeps TensorFlow out of the benchmark process).

``python -m bench.nlu_worker --model M --data tests/nlu --out DIR`` writes
Rasa's evaluation files into ``DIR/report`` (as ``rasa test nlu`` does) and the
final prediction of every example, fallback included, into
``DIR/predictions.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Dict, List


async def run(model: str, data: str, out: Path) -> None:
    """Load the model once, run Rasa's evaluation, then record final predictions."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.nlu.test import run_evaluation
    from rasa.shared.nlu.training_data.loading import load_data

    agent = Agent.load(model_path=model)
    await run_evaluation(
        data, agent.processor, output_directory=str(out / "report"),
        errors=True, successes=False, disable_plotting=True, report_as_dict=True,
    )
    predictions: List[Dict[str, object]] = []
    for example in load_data(data).intent_examples:
        result = await agent.processor.parse_message(UserMessage(text=example.get("text")))
        intent = result.get("intent") or {}
        predictions.append({
            "text": example.get("text"),
            "intent": example.get("intent"),
            "predicted": intent.get("name"),
            "confidence": intent.get("confidence"),
        })
    (out / "predictions.json").write_text(json.dumps(predictions, ensure_ascii=False, indent=1))


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(run(args.model, args.data, args.out))


if __name__ == "__main__":
    main()
