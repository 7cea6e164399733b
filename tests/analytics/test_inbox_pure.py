"""The "Da insegnare" inbox: which messages enter, how they group, what gets exported (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa_events import Dialogue

from analytics.conversations import UserMessage, best_guess, conversations_of
from analytics.inbox import group_messages, inbox, known_sentences, needs_review, nlu_yaml, plain


def _message(text: str, intent: str = "nlu_fallback", confidence: float = 0.3,
             fallback: bool = False) -> UserMessage:
    return UserMessage(text=text, intent=intent, confidence=confidence, fallback=fallback)


def test_plain_form():
    assert plain("  Però, è  PIENA la casella!! ") == "pero e piena la casella"


def test_what_enters_the_inbox():
    assert needs_review(_message("boh mah"))  # nlu_fallback
    assert needs_review(_message("la casella scoppia", "ask_mailbox_full", 0.55))  # low confidence
    assert needs_review(_message("e quindi?", "affirm", 0.95, fallback=True))  # got a clarification
    assert not needs_review(_message("uso imap", "inform", 0.97))
    assert not needs_review(_message("/request_human", "request_human", 0.2))  # a button
    assert not needs_review(_message("\x00\x01", "bad_input", 1.0))
    assert not needs_review(_message("   "))


def test_best_guess_skips_the_fallback():
    parse = {"intent": {"name": "nlu_fallback", "confidence": 0.4},
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.4},
                                {"name": "ask_offline", "confidence": 0.31}]}
    assert best_guess(parse) == ("ask_offline", 0.31)
    assert best_guess({"intent": {"name": "greet", "confidence": 0.9}}) == ("greet", 0.9)
    assert best_guess({}) == (None, None)


def test_similar_messages_group_with_the_most_common_guess():
    def missed(text: str, guess: str, confidence: float) -> UserMessage:
        return UserMessage(text, "nlu_fallback", confidence, True, guess, confidence)

    messages = [
        missed("la posta non mi arriva sul tablet", "ask_sync_devices", 0.3),
        missed("la posta non mi arriva sul tablet!", "ask_sync_devices", 0.35),
        missed("La posta non arriva sul tablet", "ask_offline", 0.2),
        missed("quanto costa il router", "ask_cost", 0.25),
    ]
    groups = group_messages(messages)
    assert [g.count for g in groups] == [3, 1]
    tablet = groups[0]
    assert tablet.guess == "ask_sync_devices" and tablet.confidence == 0.325
    assert tablet.shown == ["la posta non mi arriva sul tablet", "la posta non mi arriva sul tablet!",
                            "La posta non arriva sul tablet"]


def test_inbox_from_events_flags_known_sentences():
    dialogue = (Dialogue("c-inbox")
                .user("mi scrivi a mario.rossi@example.org se la casella scoppia?", "nlu_fallback", 0.3,
                      ranking=[("nlu_fallback", 0.3), ("ask_mailbox_full", 0.28)])
                .action("action_clarify").listen()
                .user("uso imap", "inform", 0.98).listen()
                .user("Ciao!", "greet", 0.5).action("utter_greet").listen())
    conversations = conversations_of("c-inbox", dialogue.events)
    groups = inbox(conversations, known={"ciao"})
    assert sorted(g.example for g in groups) == ["Ciao!", "mi scrivi a [e-mail] se la casella scoppia?"]
    by_text = {g.example: g for g in groups}
    assert by_text["Ciao!"].known is True
    mailbox = by_text["mi scrivi a [e-mail] se la casella scoppia?"]
    assert mailbox.known is False and mailbox.guess == "ask_mailbox_full"


def test_known_sentences_read_rasa_files(tmp_path: Path):
    nlu = tmp_path / "nlu.yml"
    nlu.write_text('version: "3.1"\nnlu:\n- intent: inform\n  examples: |\n'
                   '    - uso [IMAP](protocol) sul [telefono](device)\n'
                   '    - ho [pop]{"entity": "protocol"}\n', encoding="utf-8")
    assert known_sentences([nlu]) == {"uso imap sul telefono", "ho pop"}


def test_exported_yaml_is_valid_rasa_nlu_without_known_or_repeated_sentences():
    body, skipped = nlu_yaml([
        ("ask_mailbox_full", "la casella scoppia, che faccio?"),
        ("ask_mailbox_full", "La casella scoppia che faccio"),  # the same sentence again
        ("ask_offline", "posso leggere in [galleria](device)?"),  # brackets must not become an entity
        ("greet", "Ciao!"),
    ], known={"ciao"})
    assert skipped == ["Ciao!"]
    data = RasaYAMLReader().reads(body)
    examples = {(m.get("intent"), m.get("text")) for m in data.intent_examples}
    assert examples == {("ask_mailbox_full", "la casella scoppia, che faccio?"),
                        ("ask_offline", "posso leggere in (galleria)(device)?")}
    assert data.entity_examples == []


def test_command_line_export_writes_under_its_folder_and_flags_known(tmp_path: Path, monkeypatch,
                                                                      capsys) -> None:
    """``python -m analytics.export_inbox`` against a real SQLite analytics database."""
    from analytics import export_inbox, inbox_store, store

    monkeypatch.setenv("ANALYTICS_DB_URL", f"sqlite:///{tmp_path / 'events.sqlite3'}")
    try:
        assert export_inbox.main(["--out", str(tmp_path / "out")]) == 0
        assert "nothing confirmed" in capsys.readouterr().out
        inbox_store.decide("posso ricevere la posta in barca", "confirmed",
                           ["posso ricevere la posta in barca?", "ciao"], "ask_offline", "demo")
        inbox_store.decide("boh", "discarded", ["boh"], reviewer="demo")
        assert export_inbox.main(["--out", str(tmp_path / "out")]) == 0
        out = capsys.readouterr().out
        assert "wrote 1 example(s)" in out and "left out 1" in out
        (written,) = (tmp_path / "out").glob("inbox-*.yml")
        text = written.read_text(encoding="utf-8")
        assert "# Already in the training or test data, left out: ciao" in text
        data = RasaYAMLReader().read(written)
        assert [(m.get("intent"), m.get("text")) for m in data.intent_examples] == [
            ("ask_offline", "posso ricevere la posta in barca?")]
        assert not list(Path("data").glob("**/inbox-*.yml"))
        assert inbox_store.purge_reviews(datetime.now(timezone.utc) + timedelta(days=1)) == 2
        assert inbox_store.decisions() == {}
    finally:
        store.dispose()
