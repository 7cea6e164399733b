"""``python -m analytics.export_inbox``: confirmed inbox examples as Rasa NLU YAML under ``var/inbox/``.

Never writes into ``data/``: an editor reviews the file, moves the examples
into ``data/nlu/``, then runs ``make validate`` and ``make test`` (README,
"Improving the assistant"). Sentences that already exist in ``data/nlu`` or
``tests/nlu`` are left out and listed at the top of the file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from analytics import inbox, inbox_store
from escalation.config import REPO_ROOT

OUT_DIR = REPO_ROOT / "var" / "inbox"


def data_files(root: Path = REPO_ROOT) -> list[Path]:
    """The training and test NLU files whose sentences must not be written again."""
    return sorted((root / "data" / "nlu").glob("*.yml")) + sorted((root / "tests" / "nlu").glob("*.yml"))


def export(out_dir: Path | None = None, include_exported: bool = False,
           url: str | None = None) -> tuple[Path | None, int, list[str]]:
    """Write the file (to ``OUT_DIR`` by default); returns (path or None, examples written, skipped)."""
    out_dir = out_dir or OUT_DIR
    rows = inbox_store.to_export(include_exported, url)
    if not rows:  # nothing to write: the data files are not even read
        return None, 0, []
    pairs = [(row["intent"], text) for row in rows for text in row["texts"]]
    body, skipped = inbox.nlu_yaml(pairs, inbox.known_sentences(data_files()))
    written = body.count("\n    - ")
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"inbox-{stamp}.yml"
    header = ["# Confirmed in the console's \"Da insegnare\" page. Review, then move into data/nlu/",
              "# and run `make validate` and `make test`."]
    header += [f"# Already in the training or test data, left out: {text}" for text in skipped]
    path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    inbox_store.mark_exported([row["key"] for row in rows], url)
    return path, written, skipped


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the file (var/inbox)")
    parser.add_argument("--all", action="store_true", help="also groups exported before")
    args = parser.parse_args(argv)
    path, written, skipped = export(args.out, include_exported=args.all)
    if path is None:
        print("nothing confirmed to export")
        return 0
    print(f"wrote {written} example(s) to {path}")
    if skipped:
        print(f"left out {len(skipped)} already in data/nlu or tests/nlu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
