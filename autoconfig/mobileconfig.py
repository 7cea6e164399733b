"""Apple configuration profile (``.mobileconfig``) with a mail account payload.

Payload reference: Apple's "Mail" payload, type ``com.apple.mail.managed``.
The profile carries no password (iOS/macOS ask for it while installing) and is
not signed, so the device shows it as "not verified". Its UUIDs are derived
from the address and protocol (UUID version 5), so downloading the profile
again replaces the installed one instead of adding a duplicate account.
"""

from __future__ import annotations

import plistlib
import uuid
from typing import Any, Dict, Tuple

import messages
from autoconfig.validation import login_name, require_servers
from settings import MailServer, ProviderSettings

#: Namespace of every UUID this module derives.
PROFILE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ip-telecom:autoconfig:mobileconfig")

ACCOUNT_TYPES = {"imap": "EmailTypeIMAP", "pop3": "EmailTypePOP"}
LABELS = {"imap": "IMAP", "pop3": "POP"}
CONTENT_TYPE = "application/x-apple-aspen-config"


def profile_uuids(address: str, protocol: str) -> Tuple[str, str]:
    """Stable (profile UUID, mail payload UUID), upper-case, for address+protocol."""
    key = f"{address.lower()}|{protocol}"
    profile = uuid.uuid5(PROFILE_NAMESPACE, f"profile|{key}")
    payload = uuid.uuid5(PROFILE_NAMESPACE, f"mail|{key}")
    return str(profile).upper(), str(payload).upper()


def _identifier_prefix(address: str) -> str:
    """Reverse-DNS prefix from the address's domain, e.g. ``org.example``."""
    domain = address.rsplit("@", 1)[1]
    return ".".join(reversed(domain.split(".")))


def _server_keys(prefix: str, server: MailServer, login: str) -> Dict[str, Any]:
    # UseSSL covers both modes: with it on, Mail uses implicit TLS on 993/995/465
    # and STARTTLS on 143/110/587, so the connection is never in clear text.
    return {
        f"{prefix}MailServerAuthentication": "EmailAuthPassword",
        f"{prefix}MailServerHostName": server.host,
        f"{prefix}MailServerPortNumber": int(server.port or 0),
        f"{prefix}MailServerUseSSL": True,
        f"{prefix}MailServerUsername": login,
    }


def build_profile(address: str, protocol: str, settings: ProviderSettings) -> bytes:
    """Return the XML plist for the validated ``address`` and ``imap``/``pop3``.

    Raises MissingSettingError when the incoming server of ``protocol`` or the
    SMTP server is not configured.
    """
    servers = require_servers(settings, [protocol, "smtp"])
    profile_uuid, payload_uuid = profile_uuids(address, protocol)
    prefix = _identifier_prefix(address)
    label = LABELS[protocol]
    description = f"{settings.name} ({label})"

    mail: Dict[str, Any] = {
        "PayloadType": "com.apple.mail.managed",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{prefix}.mail.{protocol}.{payload_uuid}",
        "PayloadUUID": payload_uuid,
        "PayloadDisplayName": f"Posta {description}",
        "PayloadDescription": messages.text(
            "autoconfig.account_description", label=label, address=address),
        "EmailAccountDescription": description,
        "EmailAccountType": ACCOUNT_TYPES[protocol],
        "EmailAddress": address,
        "OutgoingPasswordSameAsIncomingPassword": True,
        "PreventMove": False,
        "PreventAppSheet": False,
        "SMIMEEnabled": False,
    }
    login = login_name(address, settings)
    mail.update(_server_keys("Incoming", servers[protocol], login))
    mail.update(_server_keys("Outgoing", servers["smtp"], login))

    profile: Dict[str, Any] = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": f"{prefix}.mailprofile.{protocol}.{profile_uuid}",
        "PayloadUUID": profile_uuid,
        "PayloadDisplayName": f"Posta {description}",
        "PayloadDescription": messages.text(
            "autoconfig.profile_description", label=label, address=address),
        "PayloadOrganization": settings.name,
        "PayloadRemovalDisallowed": False,
        "PayloadContent": [mail],
    }
    return plistlib.dumps(profile, fmt=plistlib.FMT_XML, sort_keys=True)


def download_filename(protocol: str) -> str:
    """File name offered to the browser (fixed text, never the address)."""
    return f"posta-{LABELS[protocol].lower()}.mobileconfig"
