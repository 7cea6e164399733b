"""The conversation suite's checker reads turns from a tracker and fails when it should."""

from pathlib import Path

import pytest

from tests.support.dialogues import Turn, check_turn, load_dialogues, read_turn

TRACKER = {
    "events": [
        {"event": "user", "text": "prima"},
        {"event": "action", "name": "action_explain"},
        {"event": "bot", "text": "vecchio", "metadata": {"utter_action": "utter_old"}},
        {"event": "user", "text": "Uso IMAP"},
        {"event": "action", "name": "action_extract_slots"},
        {"event": "slot", "name": "protocol", "value": "imap"},
        {"event": "action", "name": "action_explain"},
        {"event": "bot", "text": "Con IMAP sì", "metadata": {"utter_action": "utter_delete_imap"}},
        {"event": "action", "name": "utter_anything_else"},
        {"event": "bot", "text": "Altro?", "metadata": {"utter_action": "utter_anything_else"}},
        {"event": "action", "name": "action_listen"},
    ],
    "slots": {"protocol": "imap", "pending_topic": None},
    "active_loop": {},
}


def test_read_turn_keeps_only_the_latest_turn_and_merges_utter_actions():
    result = read_turn(TRACKER)
    assert result.names == ["action_explain", "utter_delete_imap", "utter_anything_else"]
    assert result.texts == ["Con IMAP sì", "Altro?"]
    assert result.active_loop is None


def test_a_turn_that_holds_has_no_problems():
    turn = Turn(user="x", expect=["utter_delete_imap"], forbid=["utter_setup_*"],
                slots={"protocol": "imap", "pending_topic": None}, active_loop=None, text="IMAP")
    assert check_turn(turn, read_turn(TRACKER)) == []


@pytest.mark.parametrize("turn, problem", [
    (Turn(user="x", expect=["utter_delete_pop3"]), "expected"),
    (Turn(user="x", expect=["utter_anything_else", "utter_delete_imap"]), "in this order"),
    (Turn(user="x", forbid=["utter_delete_*"]), "forbidden"),
    (Turn(user="x", slots={"protocol": "pop3"}), "slot protocol"),
    (Turn(user="x", active_loop="recommend_form"), "active loop"),
    (Turn(user="x", text="POP3"), "no message matches"),
    (Turn(user="x", bot=["utter_delete_imap"]), "exactly"),
    (Turn(user="x", one_of=["utter_delete_pop3", "utter_sync_imap"]), "one of"),
])
def test_each_broken_expectation_is_reported(turn, problem):
    problems = check_turn(turn, read_turn(TRACKER))
    assert len(problems) == 1 and problem in problems[0]


def test_silence_is_a_failure_unless_allowed():
    silent = {"events": [{"event": "user", "text": "x"}, {"event": "action", "name": "action_listen"}],
              "slots": {}}
    assert check_turn(Turn(user="x"), read_turn(silent)) == ["the assistant sent no message"]
    assert check_turn(Turn(user="x", silent=True), read_turn(silent)) == []


def test_unknown_keys_and_duplicate_names_are_refused(tmp_path: Path):
    bad = tmp_path / "bad.yml"
    bad.write_text("dialogues:\n  - name: a\n    turns:\n      - user: x\n        expcet: [y]\n")
    with pytest.raises(ValueError, match="unknown keys"):
        load_dialogues([bad])
    dup = tmp_path / "dup.yml"
    dup.write_text("dialogues:\n  - name: a\n    turns: [{user: x}]\n  - name: a\n    turns: [{user: y}]\n")
    with pytest.raises(ValueError, match="duplicate"):
        load_dialogues([dup])


def test_the_shipped_dialogues_load():
    folder = Path(__file__).resolve().parents[1] / "conversations"
    assert len(load_dialogues(sorted(folder.glob("*.yml")))) >= 80
