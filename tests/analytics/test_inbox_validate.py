"""Inbox export end to end: Rasa's broker records the messages, two groups are confirmed,
and `rasa data validate` accepts the exported file together with the project's data."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rasa.core.brokers.sql import SQLEventBroker
from rasa_events import DAY, Dialogue

from analytics import export_inbox, inbox_store, report, store
from analytics.inbox import inbox, known_sentences

ROOT = Path(__file__).resolve().parents[2]


def test_two_confirmed_groups_pass_rasa_data_validate(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    events = tmp_path / "events.sqlite3"
    monkeypatch.setenv("ANALYTICS_DB_URL", f"sqlite:///{events}")
    broker = SQLEventBroker(dialect="sqlite", db=str(events))
    low = [("nlu_fallback", 0.35), ("ask_offline", 0.33)]
    for sender, text in (("a", "in montagna senza rete la posta la leggo?"),
                         ("b", "in montagna senza rete la posta si legge?"),
                         ("c", "scrivete a luca.bianchi@example.org la fattura"),
                         ("d", "/request_human")):
        for event in Dialogue(sender).user(text, "nlu_fallback", 0.35, ranking=low).events:
            broker.publish(event)
    broker.engine.dispose()
    try:
        day = datetime.fromtimestamp(DAY, tz=timezone.utc).date()
        groups = inbox(report.load_conversations(day, day, with_tickets=False),
                       known_sentences(export_inbox.data_files()))
        assert [g.count for g in groups] == [2, 1]  # the two "montagna" messages are one group
        mountain, invoice = groups
        assert mountain.guess == "ask_offline"
        assert invoice.example == "scrivete a [e-mail] la fattura"
        inbox_store.decide(mountain.key, "confirmed", mountain.shown, "ask_offline", "demo")
        inbox_store.decide(invoice.key, "confirmed", invoice.shown, "oos_billing", "demo")
        path, written, skipped = export_inbox.export(tmp_path / "inbox")
        assert written == 3 and skipped == [] and path is not None
        assert "example.org" not in path.read_text(encoding="utf-8")
        data = tmp_path / "data"
        data.mkdir()
        (data / "inbox.yml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        result = subprocess.run(
            [str(Path(sys.executable).with_name("rasa")), "data", "validate",
             "--data", str(ROOT / "data"), str(data),  # as if an editor had moved them in
             "--domain", str(ROOT / "domain.yml"), "--config", str(ROOT / "config.yml")],
            cwd=str(tmp_path), capture_output=True, text=True, timeout=300)
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-3000:]
        for text in ("montagna", "fattura"):  # no warning about the exported sentences
            assert not [line for line in output.splitlines() if text in line], output[-3000:]
    finally:
        store.dispose()
