"""Rasa SDK glue of the set-up guide (actions/device_setup.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]

import yaml  # noqa: E402
from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

from actions.device_setup import ActionSetupGuide  # noqa: E402

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def run(
    intent: str,
    entities: Optional[List[Dict[str, Any]]] = None,
    **slots: Any,
) -> tuple:
    tracker = Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"intent": {"name": intent}, "entities": entities or [], "text": "x"},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSetupGuide().run(dispatcher, tracker, DOMAIN))
    slot_events = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slot_events


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value}


def test_name() -> None:
    assert ActionSetupGuide().name() == "action_setup_guide"


def test_device_only_asks_app_and_remembers_the_question() -> None:
    messages, slots = run("ask_configure_device", [entity("device", "iphone")], device="iphone")
    assert [m["response"] for m in messages] == ["utter_ask_setup_client_iphone"]
    assert slots == {"setup_pending": True, "setup_goal": "guide", "setup_question": "ask_client"}


def test_full_guide_with_template_values() -> None:
    messages, slots = run(
        "inform",
        [entity("mail_client", "apple_mail")],
        mail_client="apple_mail",
        device="iphone",
        protocol="imap",
        setup_pending=True,
        setup_goal="guide",
        setup_question="ask_client",
    )
    # a long guide comes as short bubbles: the guide and its continuation
    assert [m["response"] for m in messages] == [
        "utter_setup_apple_mail_ios", "utter_setup_apple_mail_ios_2"]
    message = messages[0]
    assert messages[1]["incoming_port"] == message["incoming_port"]
    assert message["response"] == "utter_setup_apple_mail_ios"
    assert message["incoming_host"] == "imap.example.org"
    assert message["autoconfig_link"].endswith("/mobileconfig?protocol=imap")
    # the user-name format comes from the settings, in the domain's words
    assert message["username_hint"] == "il tuo indirizzo email completo"
    assert slots["setup_pending"] is False and slots["setup_goal"] is None
    assert slots["mail_client"] == "apple_mail_ios"


def test_unknown_protocol_is_asked() -> None:
    messages, slots = run(
        "inform", [entity("mail_client", "thunderbird")], mail_client="thunderbird"
    )
    assert [m["response"] for m in messages] == ["utter_ask_setup_protocol"]
    assert slots["setup_question"] == "ask_protocol"


def test_answer_without_entities_after_app_question_gives_generic_guide() -> None:
    messages, _ = run(
        "inform", [], device="pc", protocol="pop3", setup_pending=True, setup_question="ask_client"
    )
    assert [m["response"] for m in messages] == [
        "utter_setup_generic",
        "utter_pop_keep_copy_generic",
    ]


def test_goal_is_kept_across_questions() -> None:
    messages, slots = run("ask_migrate_pop_to_imap", [])
    assert [m["response"] for m in messages] == [
        "utter_migrate_pop_to_imap",
        "utter_ask_setup_device",
    ]
    assert slots["setup_goal"] == "migrate"
    messages, _ = run(
        "inform",
        [entity("mail_client", "samsung_email")],
        mail_client="samsung_email",
        setup_pending=True,
        setup_goal="migrate",
        setup_question="ask_device",
    )
    assert [m["response"] for m in messages] == [
        "utter_migrate_pop_to_imap_samsung_email", "utter_migrate_pop_to_imap_samsung_email_2"]
