"""Thunderbird autoconfig: ``clientConfig`` version 1.1.

Format: https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat
The user name is a placeholder (``%EMAILADDRESS%``, or ``%EMAILLOCALPART%``
when ``servers.username`` is ``local_part``), which Thunderbird replaces with
what the customer typed, so the file is the same for every mailbox of a domain
and never contains the address or a password.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autoconfig.validation import MissingSettingError, require_servers, usable_incoming
from autoconfig.xmlout import serialize
from settings import MailServer, ProviderSettings

SOCKET_TYPES = {"ssl": "SSL", "starttls": "STARTTLS"}
USERNAME_PLACEHOLDERS = {"email": "%EMAILADDRESS%", "local_part": "%EMAILLOCALPART%"}


def _server(
    parent: ET.Element, tag: str, kind: str, server: MailServer, username: str
) -> ET.Element:
    node = ET.SubElement(parent, tag, {"type": kind})
    ET.SubElement(node, "hostname").text = server.host
    ET.SubElement(node, "port").text = str(server.port)
    ET.SubElement(node, "socketType").text = SOCKET_TYPES[server.security or ""]
    ET.SubElement(node, "authentication").text = "password-cleartext"
    ET.SubElement(node, "username").text = username
    return node


def build_clientconfig(address: str, settings: ProviderSettings) -> bytes:
    """Return the UTF-8 XML document for the (already validated) ``address``.

    IMAP comes first (Thunderbird proposes the first incoming server), then
    POP3 with "leave messages on server" on; an incoming server missing from
    the settings is left out. Raises MissingSettingError when SMTP or both
    incoming servers are missing.
    """
    incoming = usable_incoming(settings)
    smtp = require_servers(settings, ["smtp"])["smtp"]
    if settings.username_format not in USERNAME_PLACEHOLDERS:
        raise MissingSettingError(["username"])
    username = USERNAME_PLACEHOLDERS[settings.username_format]
    domain = address.rsplit("@", 1)[1]

    root = ET.Element("clientConfig", {"version": "1.1"})
    provider = ET.SubElement(root, "emailProvider", {"id": domain})
    domains = [domain] + [d for d in settings.mail_domains if d != domain]
    for name in domains:
        ET.SubElement(provider, "domain").text = name
    ET.SubElement(provider, "displayName").text = settings.name
    ET.SubElement(provider, "displayShortName").text = settings.name
    for kind, server in incoming.items():
        node = _server(provider, "incomingServer", kind, server, username)
        if kind == "pop3":
            pop3 = ET.SubElement(node, "pop3")
            ET.SubElement(pop3, "leaveMessagesOnServer").text = "true"
    _server(provider, "outgoingServer", "smtp", smtp, username)
    return serialize(root)
