"""Device set-up guidance: pure decision logic, no Rasa SDK.

Given what the conversation knows (mail client, device, protocol) and the
provider settings, :func:`plan_setup` decides what the bot says next: a
question (which device, which app, which Outlook, which Apple device, which
protocol), the step-by-step guide for one client with the server values to
fill in, or "I don't have this setting" when the settings file lacks a server.
Response texts live in the domain; this module only picks their names and the
values for their ``{placeholders}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Tuple

from actions.client_names import client_values
from actions.vocabulary import PROTOCOL_LABELS, key_in_text, normalize_protocol, security_label
from autoconfig import links
from autoconfig.validation import missing_servers
from settings import ProviderSettings

# ---------------------------------------------------------------- vocabulary

#: Clients with their own step-by-step guide.
CLIENTS: Tuple[str, ...] = (
    "outlook_new",
    "outlook_classic",
    "thunderbird",
    "apple_mail_ios",
    "apple_mail_mac",
    "gmail_app",
    "samsung_email",
    "windows_mail",
)
#: Guide for any other app (e.g. Outlook on a phone): settings only.
GENERIC = "generic"
#: Entity values that name a family, resolved with the device or a question.
AMBIGUOUS_CLIENTS: Tuple[str, ...] = ("outlook", "apple_mail")
#: "Some other app": the customer answered the app question without naming one.
OTHER = "other"

DEVICES: Tuple[str, ...] = ("smartphone", "iphone", "ipad", "tablet", "pc", "laptop", "mac")
GOALS: Tuple[str, ...] = ("guide", "keep_copy", "migrate")


_COMPUTERS = frozenset({"pc", "laptop"})
_APPLE_MOBILE = frozenset({"iphone", "ipad"})
_ANDROID = frozenset({"smartphone", "tablet"})
_MOBILE = _APPLE_MOBILE | _ANDROID

#: Devices each client runs on (used to drop a stale slot value).
CLIENT_DEVICES: Dict[str, FrozenSet[str]] = {
    "outlook": frozenset(DEVICES),
    "outlook_new": _COMPUTERS,
    "outlook_classic": _COMPUTERS,
    "windows_mail": _COMPUTERS,
    "thunderbird": _COMPUTERS | {"mac"},
    "apple_mail": _APPLE_MOBILE | {"mac"},
    "apple_mail_ios": _APPLE_MOBILE,
    "apple_mail_mac": frozenset({"mac"}),
    "gmail_app": _MOBILE,
    "samsung_email": _ANDROID,
}

#: Clients whose settings can be loaded from one of our auto-configuration files.
AUTOCONFIG_KIND: Dict[str, str] = {
    "thunderbird": "thunderbird",
    "outlook_classic": "autodiscover",
    "apple_mail_ios": "mobileconfig",
    "apple_mail_mac": "mobileconfig",
}


# ---------------------------------------------------------------- responses

ASK_DEVICE = "utter_ask_setup_device"
ASK_CLIENT_COMPUTER = "utter_ask_setup_client_computer"
ASK_CLIENT_MAC = "utter_ask_setup_client_mac"
ASK_CLIENT_IPHONE = "utter_ask_setup_client_iphone"
ASK_CLIENT_ANDROID = "utter_ask_setup_client_android"
ASK_OUTLOOK_VERSION = "utter_ask_setup_outlook_version"
ASK_APPLE_DEVICE = "utter_ask_setup_apple_device"
ASK_PROTOCOL = "utter_ask_setup_protocol"
#: Existing domain responses reused here.
MISSING_SETTING = "utter_setting_missing"
KEEP_COPY_OVERVIEW = "utter_pop_keep_copy"
MIGRATE_OVERVIEW = "utter_migrate_pop_to_imap"


_ASK_CLIENT_BY_DEVICE: Dict[str, str] = {
    "pc": ASK_CLIENT_COMPUTER,
    "laptop": ASK_CLIENT_COMPUTER,
    "mac": ASK_CLIENT_MAC,
    "iphone": ASK_CLIENT_IPHONE,
    "ipad": ASK_CLIENT_IPHONE,
    "smartphone": ASK_CLIENT_ANDROID,
    "tablet": ASK_CLIENT_ANDROID,
}

_GOAL_PREFIX: Dict[str, str] = {
    "guide": "utter_setup_",
    "keep_copy": "utter_pop_keep_copy_",
    "migrate": "utter_migrate_pop_to_imap_",
}
_OVERVIEW: Dict[str, str] = {"keep_copy": KEEP_COPY_OVERVIEW, "migrate": MIGRATE_OVERVIEW}


def response_name(goal: str, client: str) -> str:
    """Domain response for ``goal`` and a concrete client (or ``generic``)."""
    return _GOAL_PREFIX[goal] + client


def all_response_names() -> List[str]:
    """Every response this module can return (the domain must define them all)."""
    names = [
        ASK_DEVICE,
        ASK_CLIENT_COMPUTER,
        ASK_CLIENT_MAC,
        ASK_CLIENT_IPHONE,
        ASK_CLIENT_ANDROID,
        ASK_OUTLOOK_VERSION,
        ASK_APPLE_DEVICE,
        ASK_PROTOCOL,
        MISSING_SETTING,
        KEEP_COPY_OVERVIEW,
        MIGRATE_OVERVIEW,
    ]
    for goal in GOALS:
        names.extend(response_name(goal, client) for client in CLIENTS + (GENERIC,))
    return names


# ---------------------------------------------------------------- normalising


def _key(value: Optional[object]) -> str:
    return str(value or "").strip().lower().replace("-", "_").replace(" ", "_")


def normalize_client(value: Optional[object]) -> Optional[str]:
    """Entity or slot value -> client key (concrete or ambiguous), else None."""
    key = _key(value)
    if key in CLIENTS or key in AMBIGUOUS_CLIENTS or key == OTHER:
        return key
    return None


def normalize_device(value: Optional[object]) -> Optional[str]:
    """Entity or slot value -> one of :data:`DEVICES`, else None.

    NLU maps known device words to their key; a longer span ("portatile
    nuovo", "telefono di lavoro") is resolved by the device words it contains.
    """
    key = _key(value)
    if key in DEVICES:
        return key
    return key_in_text(str(value or ""), DEVICES)


def client_fits_device(client: Optional[str], device: Optional[str]) -> bool:
    """False only when both are known and the client does not run on the device."""
    if not client or not device or client not in CLIENT_DEVICES:
        return True
    return device in CLIENT_DEVICES[client]


def _family(client: str) -> str:
    """Apple Mail and Outlook variants fall back to their family name."""
    if client.startswith("apple_mail"):
        return "apple_mail"
    if client.startswith("outlook"):
        return "outlook"
    return client


def _last(values: Iterable[object], normalise) -> Optional[str]:  # type: ignore[no-untyped-def]
    found = [v for v in (normalise(value) for value in values) if v]
    return found[-1] if found else None


def choose_inputs(
    slot_client: Optional[str],
    slot_device: Optional[str],
    message_clients: Iterable[object] = (),
    message_devices: Iterable[object] = (),
    answered_question: Optional[str] = None,
) -> Tuple[Optional[str], Optional[str]]:
    """Pick the (client, device) to plan with.

    What the latest message says wins. A value remembered from earlier in the
    conversation is kept only if it fits what was just said: after "uso
    Thunderbird" an old "iphone" is dropped; after "e sul Mac?" an old
    ``apple_mail_ios`` becomes ``apple_mail`` (resolved again for the Mac) and
    an old ``outlook_classic`` is dropped.

    ``answered_question`` is the question kind the message answers (if any):
    an answer to ``ask_device``/``ask_client`` that names neither an app nor a
    device ("un'altra app") means some other app, which gets the generic guide.
    """
    client = normalize_client(slot_client)
    device = normalize_device(slot_device)
    new_client = _last(message_clients, normalize_client)
    new_device = _last(message_devices, normalize_device)
    if answered_question in ("ask_device", "ask_client") and not (new_client or new_device):
        return OTHER, device
    if new_client:
        if new_device:
            return new_client, new_device
        return new_client, device if client_fits_device(new_client, device) else None
    if new_device:
        if client == OTHER:
            client = None
        elif client and not client_fits_device(client, new_device):
            family = _family(client)
            client = family if client_fits_device(family, new_device) else None
        return client, new_device
    return client, device


# ---------------------------------------------------------------- outcome


@dataclass(frozen=True)
class Message:
    """One bot message: a domain response and the values of its placeholders."""

    response: str
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What the bot does next.

    ``kind`` is ``ask_device``, ``ask_client``, ``ask_outlook_version``,
    ``ask_apple_device``, ``ask_protocol``, ``guide`` or ``missing_setting``.
    """

    kind: str
    messages: Tuple[Message, ...]
    client: Optional[str] = None
    protocol: Optional[str] = None
    missing: Tuple[str, ...] = ()
    #: Value to keep in the ``mail_client`` slot (resolved client, or the
    #: family/"other" behind a generic guide), None to leave the slot alone.
    slot_client: Optional[str] = None

    @property
    def pending(self) -> bool:
        """True while the bot waits for the customer's answer to a question."""
        return self.kind.startswith("ask_")


def resolve_client(
    mail_client: Optional[str], device: Optional[str]
) -> Tuple[Optional[str], Optional[str]]:
    """Return (client, None) when the guide is known, else (None, question kind).

    The client is one of :data:`CLIENTS` or :data:`GENERIC`. Question kinds:
    ``ask_device``, ``ask_client``, ``ask_outlook_version``, ``ask_apple_device``.
    """
    client = normalize_client(mail_client)
    dev = normalize_device(device)
    if client == "outlook":
        if dev in _MOBILE or dev == "mac":
            return GENERIC, None  # Outlook for phones or Mac: settings only
        return None, "ask_outlook_version"
    if client == "apple_mail":
        if dev in _APPLE_MOBILE:
            return "apple_mail_ios", None
        if dev == "mac":
            return "apple_mail_mac", None
        return None, "ask_apple_device"
    if client == OTHER:
        return GENERIC, None
    if client:
        return (client if client_fits_device(client, dev) else GENERIC), None
    return None, ("ask_client" if dev else "ask_device")


def autoconfig_link(
    client: str, protocol: str, settings: ProviderSettings, email_address: Optional[str] = None
) -> str:
    """Link to the client's auto-configuration file, or "" when it has none.

    Without the customer's address, the Apple link opens a form that asks for
    it, and the Thunderbird link uses a sample address of the first domain
    (the file is the same for every address of a domain).
    """
    kind = AUTOCONFIG_KIND.get(client)
    if kind == "mobileconfig":
        return links.mobileconfig_url(settings.public_url, protocol, email_address)
    if kind == "autodiscover":
        return links.autodiscover_url(settings.public_url)
    if kind == "thunderbird":
        domains = settings.mail_domains
        sample = email_address or (f"nome@{domains[0]}" if domains else "")
        if not sample:
            return ""
        return links.thunderbird_url(settings.public_url, sample)
    return ""


def template_values(
    client: str,
    protocol: str,
    settings: ProviderSettings,
    email_address: Optional[str] = None,
    named_client: Optional[str] = None,
    username_hint: Optional[str] = None,
    app_names: Mapping[str, str] = MappingProxyType({}),
) -> Dict[str, str]:
    """Placeholder values for a guide (assumes the needed servers are usable).

    ``named_client`` is the app the customer named, when the guide is the
    generic one (e.g. Outlook on a phone); its name fills ``{client_label}``,
    ``{client_in}`` ("nell'app Gmail") and ``{client_in_cap}``.
    """
    incoming = settings.server(protocol)
    smtp = settings.smtp
    return {
        **client_values(named_client or client, app_names),
        "protocol_label": PROTOCOL_LABELS[protocol],
        "incoming_host": incoming.host or "",
        "incoming_port": str(incoming.port or ""),
        "incoming_security": security_label(incoming.security),
        "smtp_host": smtp.host or "",
        "smtp_port": str(smtp.port or ""),
        "smtp_security": security_label(smtp.security),
        "username_hint": email_address or username_hint or "",
        "autoconfig_link": autoconfig_link(client, protocol, settings, email_address),
    }


def _question(kind: str, device: Optional[str], goal: str) -> Outcome:
    if kind == "ask_client":
        response = _ASK_CLIENT_BY_DEVICE[device or "pc"]
    else:
        response = {
            "ask_device": ASK_DEVICE,
            "ask_outlook_version": ASK_OUTLOOK_VERSION,
            "ask_apple_device": ASK_APPLE_DEVICE,
        }[kind]
    messages = [Message(response)]
    if goal in _OVERVIEW and kind in ("ask_device", "ask_client"):
        # The client is not known at all: give the general answer first.
        messages.insert(0, Message(_OVERVIEW[goal]))
    return Outcome(kind=kind, messages=tuple(messages))


def plan_setup(
    mail_client: Optional[str],
    device: Optional[str],
    protocol: Optional[str],
    settings: ProviderSettings,
    goal: str = "guide",
    email_address: Optional[str] = None,
    username_hint: Optional[str] = None,
    app_names: Mapping[str, str] = MappingProxyType({}),
) -> Outcome:
    """Decide the next step for ``goal``.

    Goals: ``guide`` (set up a client: needs client and protocol; with POP3 the
    "leave a copy on the server" advice follows the steps), ``keep_copy``
    (POP3 copy on the server for that client), ``migrate`` (safe move from POP3
    to IMAP for that client, with the IMAP values). For these two, when the
    client is not known at all, the general answer comes before the question.
    ``username_hint`` says what to type as user name (from the provider's
    settings; without it the guide says the setting is missing). ``app_names``
    are the apps' names from the domain (``utter_app_<client>``).
    ``email_address`` must be already validated; it personalises the user name
    and the Apple link.
    """
    if goal not in GOALS:
        raise ValueError(f"unknown goal {goal!r}")
    client, question = resolve_client(mail_client, device)
    if question:
        return _question(question, normalize_device(device), goal)
    assert client is not None
    named = normalize_client(mail_client)
    keep = client if client in CLIENTS else named

    if goal == "keep_copy":
        values = client_values(named or client, app_names)
        message = Message(response_name(goal, client), values)
        return Outcome("guide", (message,), client, "pop3", slot_client=keep)

    proto = "imap" if goal == "migrate" else normalize_protocol(protocol)
    if proto is None:
        return Outcome("ask_protocol", (Message(ASK_PROTOCOL),), client, slot_client=keep)

    missing = missing_servers(settings, [proto, "smtp"])
    if not username_hint and not email_address:
        missing.append("username")
    if missing:
        # The glue names the missing settings in the domain's words.
        message = Message(MISSING_SETTING, {})
        return Outcome(
            "missing_setting", (message,), client, proto, tuple(missing), slot_client=keep
        )

    values = template_values(client, proto, settings, email_address, named, username_hint, app_names)
    messages = [Message(response_name(goal, client), values)]
    if goal == "guide" and proto == "pop3":
        messages.append(Message(response_name("keep_copy", client), values))
    return Outcome("guide", tuple(messages), client, proto, slot_client=keep)


def goal_for_intent(intent: Optional[str], remembered: Optional[str] = None) -> str:
    """Goal from the latest intent, else the remembered one, else ``guide``."""
    by_intent = {
        "ask_configure_device": "guide",
        "ask_pop_keep_copy": "keep_copy",
        "ask_migrate_pop_to_imap": "migrate",
    }
    if intent in by_intent:
        return by_intent[intent]
    return remembered if remembered in GOALS else "guide"
