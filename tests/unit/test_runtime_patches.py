"""Event lookup by name and session renewal of long conversations: same answers, guarded version."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import rasa.shared.utils.common
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import Event

from supervisor import event_lookup, long_sessions
from supervisor.rasa_version import UnsupportedRasaVersion


def _rasa_resolve(type_name: str, default: Optional[type] = None) -> Optional[type]:
    """Rasa 3.6.21's Event.resolve_by_type, as written there."""
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    if type_name == "topic":
        return None
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


NAMES = sorted({cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)})


@pytest.mark.parametrize("name", NAMES)
def test_every_event_type_resolves_to_the_same_class(name: str) -> None:
    assert event_lookup.resolve_by_type(name) is _rasa_resolve(name)


def test_unknown_names_behave_like_rasa() -> None:
    assert event_lookup.resolve_by_type("topic") is None
    assert event_lookup.resolve_by_type("nonsense", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'nonsense'"):
        event_lookup.resolve_by_type("nonsense")


def test_a_subclass_imported_later_is_found() -> None:
    event_lookup.resolve_by_type("user")  # the table is filled

    class LateEvent(rasa.shared.core.events.UserUttered):
        type_name = "late_test_event"

    assert event_lookup.resolve_by_type("late_test_event") is LateEvent


def test_events_round_trip_through_the_patched_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.events import SessionStarted, SlotSet, UserUttered

    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    event_lookup.install()
    for event in (UserUttered("ciao", {"name": "greet", "confidence": 0.9}), SlotSet("protocol", "imap"),
                  SessionStarted()):
        assert Event.from_parameters(event.as_dict()) == event


@pytest.mark.parametrize("module", [event_lookup, long_sessions])
@pytest.mark.parametrize("version", ["3.6.20", "3.7.0"])
def test_other_rasa_versions_are_refused(module: Any, version: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    monkeypatch.setattr(MessageProcessor, "_has_session_expired", MessageProcessor._has_session_expired)
    before = (Event.resolve_by_type, MessageProcessor._has_session_expired)
    with pytest.raises(UnsupportedRasaVersion, match=version):
        module.install(rasa_version=version)
    assert (Event.resolve_by_type, MessageProcessor._has_session_expired) == before


# --- session renewal -------------------------------------------------------------------

def test_turns_are_counted_from_the_session_start() -> None:
    count = long_sessions.user_turns_in_session
    assert count([]) == 0
    assert count(["action", "user", "bot", "user"]) == 2
    assert count(["user", "user", "session_started", "slot", "user"]) == 1
    assert count(["user", "restart", "user", "user"]) == 2


def _slots(**values: Any) -> Any:
    return lambda name: values.get(name)


@pytest.mark.parametrize(("slots", "loop", "paused", "rest"), [
    ({}, None, False, True),
    ({"protocol": "imap", "ticket_ref": "T-1"}, None, False, True),
    ({}, "recommend_form", False, False),
    ({"requested_slot": "rec_offline"}, None, False, False),
    ({"pending_topic": "ask_offline"}, None, False, True),
    ({"setup_pending": True}, None, False, False),
    ({"setup_question": "ask_device"}, None, False, False),
    ({}, None, True, False),
])
def test_at_rest_only_between_flows(slots: Dict[str, Any], loop: Optional[str], paused: bool,
                                    rest: bool) -> None:
    assert long_sessions.at_rest(_slots(**slots), loop, paused) is rest


def test_renewal_needs_a_full_session_at_rest() -> None:
    renew = long_sessions.should_renew
    assert renew(20, 20, True) and renew(35, 20, True)
    assert not renew(19, 20, True)
    assert not renew(40, 20, False)
    assert not renew(400, 0, True)  # 0 = off


@pytest.mark.parametrize(("environ", "limit"), [({}, 10), ({"SESSION_MAX_USER_TURNS": " 7 "}, 7),
                                                 ({"SESSION_MAX_USER_TURNS": "0"}, 0)])
def test_limit_from_the_environment(environ: Dict[str, str], limit: int) -> None:
    assert long_sessions.max_user_turns(environ) == limit


@pytest.mark.parametrize("raw", ["-1", "many"])
def test_bad_limits_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        long_sessions.max_user_turns({"SESSION_MAX_USER_TURNS": raw})


def test_patched_processor_renews_a_full_session(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    monkeypatch.setattr(MessageProcessor, "_has_session_expired", MessageProcessor._has_session_expired)
    long_sessions.install(environ={"SESSION_MAX_USER_TURNS": "3"})
    domain = Domain.from_yaml("session_config:\n  session_expiration_time: 60\n"
                              "slots:\n  setup_pending:\n    type: bool\n    mappings: []\n")
    processor = MessageProcessor.__new__(MessageProcessor)
    processor.domain = domain
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(),
                           ActionExecuted("action_listen")]
    for _ in range(2):
        events += [UserUttered("ciao"), ActionExecuted("action_listen")]
    tracker = DialogueStateTracker.from_events("s", events, domain.slots)
    assert not processor._has_session_expired(tracker)
    tracker.update(UserUttered("ancora"))
    tracker.update(ActionExecuted("action_listen"))
    assert processor._has_session_expired(tracker)
    from rasa.shared.core.events import SlotSet
    tracker.update(SlotSet("setup_pending", True))
    assert not processor._has_session_expired(tracker)
    tracker.update(SlotSet("setup_pending", None))
    assert processor._has_session_expired(tracker)
    for action in ("action_escalate", "action_listen"):  # a call-back proposed: wait for the answer
        tracker.update(ActionExecuted(action))
    assert not processor._has_session_expired(tracker)
    from rasa.shared.core.events import UserUtteranceReverted
    for event in (UserUttered("xqzw"), ActionExecuted("action_default_fallback"),  # forgotten
                  UserUtteranceReverted(), ActionExecuted("action_listen")):
        tracker.update(event)
    assert not processor._has_session_expired(tracker), "the call-back question still stands"


def test_the_last_bot_action_is_read_before_the_listen() -> None:
    last = long_sessions.last_bot_action
    assert last([("action", "action_listen"), ("user", None), ("action", "utter_offer_human"),
                 ("bot", None), ("action", "action_listen")]) == "utter_offer_human"
    assert last([("action", "utter_offer_human"), ("session_started", None),
                 ("action", "action_listen")]) is None
    assert last([]) is None


def test_a_question_just_asked_is_not_a_rest() -> None:
    no_slots = {}.get
    assert long_sessions.at_rest(no_slots, None, False, "action_explain")
    assert long_sessions.at_rest(no_slots, None, False, None)
    for action in long_sessions.AWAITING_ANSWER_AFTER:
        assert not long_sessions.at_rest(no_slots, None, False, action)


def test_every_action_a_rule_answers_in_its_light_is_awaited() -> None:
    """A rule that reads the customer's reply after an action (action, then intent) names it here."""
    import yaml

    from tests.support.stack import ROOT

    conditioning = set()
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            steps = rule.get("steps") or []
            conditioning |= {first["action"] for first, then in zip(steps, steps[1:])
                             if "action" in first and ("intent" in then or "or" in then)}
    assert conditioning, "no rule read: the data moved?"
    assert conditioning == long_sessions.AWAITING_ANSWER_AFTER
