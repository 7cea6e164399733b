"""Device set-up guidance: pure decision logic (actions/setup_guide.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

from actions import setup_guide as sg  # noqa: E402
from actions.domain_text import app_names, missing_text  # noqa: E402
from actions.vocabulary import PROTOCOLS  # noqa: E402
from settings import ProviderSettings, load_settings, parse_settings  # noqa: E402

SERVERS: Dict[str, Any] = {
    "imap": {"host": "imap.example.org", "port": 993, "security": "ssl"},
    "pop3": {"host": "pop.example.org", "port": 995, "security": "ssl"},
    "smtp": {"host": "smtp.example.org", "port": 587, "security": "starttls"},
}


HINT = "il tuo indirizzo email completo"


DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
APP_NAMES = app_names(DOMAIN)


def plan(*args: Any, **kwargs: Any) -> "sg.Outcome":
    """``plan_setup`` with the user-name hint of the example settings and the domain's app names."""
    kwargs.setdefault("username_hint", HINT)
    kwargs.setdefault("app_names", APP_NAMES)
    return sg.plan_setup(*args, **kwargs)


def make_settings(**servers: Optional[Dict[str, Any]]) -> ProviderSettings:
    merged = dict(SERVERS)
    for kind, value in servers.items():
        if value is None:
            merged.pop(kind)
        else:
            merged[kind] = value
    return parse_settings(
        {
            "provider": {"mail_domains": ["example.org"]},
            "servers": merged,
            "web": {"public_url": "https://aiuto.example.org/"},
        }
    )


@pytest.fixture
def settings() -> ProviderSettings:
    return make_settings()


# ---------------------------------------------------------------- normalising


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("outlook", "outlook"),
        ("Outlook_New", "outlook_new"),
        ("outlook classic", "outlook_classic"),
        ("apple_mail", "apple_mail"),
        ("apple-mail-ios", "apple_mail_ios"),
        ("gmail_app", "gmail_app"),
        ("samsung_email", "samsung_email"),
        ("windows_mail", "windows_mail"),
        ("thunderbird", "thunderbird"),
        ("eudora", None),
        (None, None),
        ("", None),
    ],
)
def test_normalize_client(raw, expected) -> None:
    assert sg.normalize_client(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("iPhone", "iphone"), ("laptop", "laptop"), ("MAC", "mac"), (None, None), ("", None),
     # spans longer than a synonym, as DIET sometimes extracts them
     ("portatile nuovo", "laptop"), ("pc portatile dell'ufficio", "laptop"), ("il cellulare", "smartphone"),
     ("computer di mio figlio", "pc"), ("stampante", None), ("compact disc", None)],
)
def test_normalize_device(raw, expected) -> None:
    assert sg.normalize_device(raw) == expected



# ---------------------------------------------------------------- resolving the client


@pytest.mark.parametrize(
    "client, device, expected",
    [
        ("outlook", None, (None, "ask_outlook_version")),
        ("outlook", "pc", (None, "ask_outlook_version")),
        ("outlook", "laptop", (None, "ask_outlook_version")),
        ("outlook", "iphone", (sg.GENERIC, None)),
        ("outlook", "smartphone", (sg.GENERIC, None)),
        ("outlook", "mac", (sg.GENERIC, None)),
        ("apple_mail", None, (None, "ask_apple_device")),
        ("apple_mail", "pc", (None, "ask_apple_device")),
        ("apple_mail", "iphone", ("apple_mail_ios", None)),
        ("apple_mail", "ipad", ("apple_mail_ios", None)),
        ("apple_mail", "mac", ("apple_mail_mac", None)),
        ("outlook_new", None, ("outlook_new", None)),
        ("outlook_classic", "laptop", ("outlook_classic", None)),
        ("thunderbird", "mac", ("thunderbird", None)),
        ("thunderbird", "smartphone", (sg.GENERIC, None)),
        ("gmail_app", "iphone", ("gmail_app", None)),
        ("samsung_email", "tablet", ("samsung_email", None)),
        ("windows_mail", "pc", ("windows_mail", None)),
        ("other", "pc", (sg.GENERIC, None)),
        (None, None, (None, "ask_device")),
        (None, "iphone", (None, "ask_client")),
    ],
)
def test_resolve_client(client, device, expected) -> None:
    assert sg.resolve_client(client, device) == expected


@pytest.mark.parametrize(
    "device, response",
    [
        ("pc", sg.ASK_CLIENT_COMPUTER),
        ("laptop", sg.ASK_CLIENT_COMPUTER),
        ("mac", sg.ASK_CLIENT_MAC),
        ("iphone", sg.ASK_CLIENT_IPHONE),
        ("ipad", sg.ASK_CLIENT_IPHONE),
        ("smartphone", sg.ASK_CLIENT_ANDROID),
        ("tablet", sg.ASK_CLIENT_ANDROID),
    ],
)
def test_only_a_device_asks_which_app(settings, device, response) -> None:
    outcome = plan(None, device, "imap", settings)
    assert outcome.kind == "ask_client" and outcome.pending
    assert [m.response for m in outcome.messages] == [response]


def test_nothing_known_asks_the_device(settings) -> None:
    outcome = plan(None, None, None, settings)
    assert outcome.kind == "ask_device"
    assert outcome.messages[0].response == sg.ASK_DEVICE


def test_outlook_asks_new_or_classic(settings) -> None:
    outcome = plan("outlook", "pc", "imap", settings)
    assert outcome.kind == "ask_outlook_version"
    assert outcome.messages[0].response == sg.ASK_OUTLOOK_VERSION


def test_apple_mail_asks_which_device(settings) -> None:
    outcome = plan("apple_mail", None, "imap", settings)
    assert outcome.kind == "ask_apple_device"
    assert outcome.messages[0].response == sg.ASK_APPLE_DEVICE


def test_unknown_protocol_is_asked_after_the_client(settings) -> None:
    outcome = plan("thunderbird", "pc", None, settings)
    assert outcome.kind == "ask_protocol" and outcome.pending
    assert outcome.messages[0].response == sg.ASK_PROTOCOL
    assert outcome.slot_client == "thunderbird"


# ---------------------------------------------------------------- choosing inputs


@pytest.mark.parametrize(
    "slots, entities, expected",
    [
        # the latest message wins
        (("thunderbird", "pc"), (["outlook_new"], []), ("outlook_new", "pc")),
        (("thunderbird", "pc"), ([], ["iphone"]), (None, "iphone")),
        (("gmail_app", "smartphone"), ([], ["tablet"]), ("gmail_app", "tablet")),
        # a stale device that does not fit the new app is dropped
        ((None, "iphone"), (["thunderbird"], []), ("thunderbird", None)),
        (("outlook", "iphone"), (["windows_mail"], []), ("windows_mail", None)),
        # Apple family is resolved again for the new device
        (("apple_mail_ios", "iphone"), ([], ["mac"]), ("apple_mail", "mac")),
        (("apple_mail", None), ([], ["ipad"]), ("apple_mail", "ipad")),
        (("outlook_classic", "pc"), ([], ["smartphone"]), ("outlook", "smartphone")),
        # nothing new: keep the slots
        (("samsung_email", "smartphone"), ([], []), ("samsung_email", "smartphone")),
        # several values: the last one counts; unknown values are ignored
        ((None, None), (["eudora", "thunderbird"], ["pc", "mac"]), ("thunderbird", "mac")),
    ],
)
def test_choose_inputs(slots, entities, expected) -> None:
    assert sg.choose_inputs(slots[0], slots[1], entities[0], entities[1]) == expected


def test_answer_without_app_means_other_app(settings) -> None:
    client, device = sg.choose_inputs(None, "pc", [], [], answered_question="ask_client")
    assert (client, device) == (sg.OTHER, "pc")
    outcome = plan(client, device, "imap", settings)
    assert outcome.messages[0].response == "utter_setup_generic"
    assert outcome.slot_client == sg.OTHER
    # ...but not after a protocol question
    assert sg.choose_inputs(None, "pc", [], [], answered_question="ask_protocol") == (None, "pc")
    # "other" is forgotten when a new device is named
    assert sg.choose_inputs(sg.OTHER, "pc", [], ["iphone"]) == (None, "iphone")


# ---------------------------------------------------------------- guides


@pytest.mark.parametrize("client", sg.CLIENTS)
def test_every_client_gets_its_guide_with_server_values(settings, client) -> None:
    device = {"apple_mail_ios": "iphone", "apple_mail_mac": "mac"}.get(client)
    outcome = plan(client, device, "imap", settings)
    assert outcome.kind == "guide" and not outcome.pending
    assert outcome.client == client and outcome.slot_client == client
    (message,) = outcome.messages
    assert message.response == f"utter_setup_{client}"
    values = message.values
    assert values["incoming_host"] == "imap.example.org"
    assert values["incoming_port"] == "993"
    assert values["incoming_security"] == "SSL/TLS"
    assert values["smtp_host"] == "smtp.example.org"
    assert values["smtp_port"] == "587"
    assert values["smtp_security"] == "STARTTLS"
    assert values["username_hint"] == "il tuo indirizzo email completo"
    assert values["protocol_label"] == "IMAP"
    assert all(isinstance(v, str) for v in values.values())


def test_pop3_guide_adds_the_keep_copy_advice(settings) -> None:
    outcome = plan("outlook_classic", "pc", "pop3", settings)
    assert [m.response for m in outcome.messages] == [
        "utter_setup_outlook_classic",
        "utter_pop_keep_copy_outlook_classic",
    ]
    values = outcome.messages[0].values
    assert (values["incoming_host"], values["incoming_port"]) == ("pop.example.org", "995")
    assert values["protocol_label"] == "POP3"


@pytest.mark.parametrize(
    "client, device, protocol, link",
    [
        (
            "thunderbird",
            "pc",
            "imap",
            "https://aiuto.example.org/.well-known/autoconfig/mail/config-v1.1.xml"
            "?emailaddress=nome@example.org",
        ),
        (
            "outlook_classic",
            "pc",
            "imap",
            "https://aiuto.example.org/autodiscover/autodiscover.xml",
        ),
        ("apple_mail", "iphone", "imap", "https://aiuto.example.org/mobileconfig?protocol=imap"),
        ("apple_mail", "mac", "pop3", "https://aiuto.example.org/mobileconfig?protocol=pop"),
        ("gmail_app", "smartphone", "imap", ""),
        ("samsung_email", "smartphone", "imap", ""),
        ("windows_mail", "pc", "imap", ""),
        ("outlook_new", "pc", "imap", ""),
    ],
)
def test_autoconfig_links(settings, client, device, protocol, link) -> None:
    outcome = plan(client, device, protocol, settings)
    assert outcome.messages[0].values["autoconfig_link"] == link


def test_known_address_personalises_link_and_user_name(settings) -> None:
    outcome = plan("apple_mail", "ipad", "pop3", settings, email_address="a+b@example.org")
    values = outcome.messages[0].values
    assert values["autoconfig_link"] == (
        "https://aiuto.example.org/mobileconfig?protocol=pop&emailaddress=a%2Bb@example.org"
    )
    assert values["username_hint"] == "a+b@example.org"


def test_generic_guide_names_the_app(settings) -> None:
    outcome = plan("outlook", "iphone", "imap", settings)
    (message,) = outcome.messages
    assert message.response == "utter_setup_generic"
    assert message.values["client_label"] == "Outlook"
    assert outcome.slot_client == "outlook"


# ---------------------------------------------------------------- missing settings


def test_missing_incoming_server_is_said_not_guessed() -> None:
    settings = make_settings(pop3=None)
    outcome = plan("thunderbird", "pc", "pop3", settings)
    assert outcome.kind == "missing_setting" and not outcome.pending
    assert outcome.missing == ("pop3",)
    (message,) = outcome.messages
    assert message.response == "utter_setting_missing"
    assert missing_text(DOMAIN, outcome.missing) == "server POP3"
    # IMAP still works
    assert plan("thunderbird", "pc", "imap", settings).kind == "guide"


def test_incomplete_or_unknown_security_counts_as_missing() -> None:
    settings = make_settings(
        imap={"host": "imap.example.org", "port": 993},
        smtp={"host": "smtp.example.org", "port": 465, "security": "plain"},
    )
    outcome = plan("gmail_app", "smartphone", "imap", settings)
    assert outcome.missing == ("imap", "smtp")
    assert missing_text(DOMAIN, outcome.missing) == "server IMAP e server SMTP"


# ---------------------------------------------------------------- other goals


@pytest.mark.parametrize("client", sg.CLIENTS)
def test_keep_copy_per_client_needs_no_protocol(client) -> None:
    device = {"apple_mail_ios": "iphone", "apple_mail_mac": "mac"}.get(client)
    outcome = plan(client, device, None, make_settings(pop3=None), goal="keep_copy")
    assert [m.response for m in outcome.messages] == [f"utter_pop_keep_copy_{client}"]


@pytest.mark.parametrize("client", sg.CLIENTS)
def test_migrate_per_client_uses_imap_values(settings, client) -> None:
    device = {"apple_mail_ios": "iphone", "apple_mail_mac": "mac"}.get(client)
    outcome = plan(client, device, "pop3", settings, goal="migrate")
    (message,) = outcome.messages
    assert message.response == f"utter_migrate_pop_to_imap_{client}"
    assert message.values["incoming_host"] == "imap.example.org"
    assert message.values["protocol_label"] == "IMAP"


def test_migrate_without_imap_setting_is_missing() -> None:
    outcome = plan("thunderbird", "pc", "pop3", make_settings(imap=None), goal="migrate")
    assert outcome.kind == "missing_setting" and outcome.missing == ("imap",)


@pytest.mark.parametrize(
    "goal, overview",
    [("keep_copy", "utter_pop_keep_copy"), ("migrate", "utter_migrate_pop_to_imap")],
)
def test_unknown_client_gets_overview_then_question(settings, goal, overview) -> None:
    outcome = plan(None, None, None, settings, goal=goal)
    assert [m.response for m in outcome.messages] == [overview, sg.ASK_DEVICE]
    outcome = plan(None, "smartphone", None, settings, goal=goal)
    assert [m.response for m in outcome.messages] == [overview, sg.ASK_CLIENT_ANDROID]
    # a narrower question (which Outlook) comes alone
    outcome = plan("outlook", "pc", None, settings, goal=goal)
    assert [m.response for m in outcome.messages] == [sg.ASK_OUTLOOK_VERSION]


def test_unknown_goal_is_an_error(settings) -> None:
    with pytest.raises(ValueError):
        plan("thunderbird", None, "imap", settings, goal="teleport")


@pytest.mark.parametrize(
    "intent, remembered, goal",
    [
        ("ask_configure_device", "migrate", "guide"),
        ("ask_pop_keep_copy", None, "keep_copy"),
        ("ask_migrate_pop_to_imap", "guide", "migrate"),
        ("inform", "migrate", "migrate"),
        ("inform", None, "guide"),
        ("inform", "bogus", "guide"),
    ],
)
def test_goal_for_intent(intent, remembered, goal) -> None:
    assert sg.goal_for_intent(intent, remembered) == goal


# ---------------------------------------------------------------- real settings and domain


def test_example_settings_file_gives_complete_guides() -> None:
    settings = load_settings(ROOT / "settings" / "provider.yml")
    for client in sg.CLIENTS:
        device = {"apple_mail_ios": "iphone", "apple_mail_mac": "mac"}.get(client)
        for protocol in PROTOCOLS:
            outcome = plan(client, device, protocol, settings)
            assert outcome.kind == "guide"
            assert all(outcome.messages[0].values[k] for k in ("incoming_host", "smtp_port"))


def _domain_responses() -> Optional[Dict[str, Any]]:
    files = [ROOT / "domain.yml"] + sorted((ROOT / "domain").glob("**/*.yml"))
    responses: Dict[str, Any] = {}
    for path in files:
        if path.is_file():
            responses.update(
                (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
            )
    return responses or None


def test_domain_defines_every_response_with_known_placeholders(settings) -> None:
    responses = _domain_responses()
    assert responses is not None
    values = sg.template_values("thunderbird", "imap", settings)
    allowed = set(values) | {"missing"}
    for name in sg.all_response_names():
        assert name in responses, f"{name} missing from the domain"
        for variant in responses[name]:
            for placeholder in re.findall(r"{(\w+)}", variant.get("text", "")):
                assert placeholder in allowed, f"{name} uses unknown {{{placeholder}}}"
            for button in variant.get("buttons") or []:
                if name.startswith("utter_ask_setup"):
                    assert not button["payload"].startswith("/"), f"{name}: plain-text payloads"


def test_unknown_user_name_format_is_said_not_guessed(settings) -> None:
    outcome = plan("thunderbird", "pc", "imap", settings, username_hint=None)
    assert outcome.kind == "missing_setting"
    assert outcome.missing == ("username",)
    assert outcome.messages[0].response == "utter_setting_missing"
