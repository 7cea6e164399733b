"""Outlook Autodiscover, plain-old-XML ("POX") flavour.

Outlook POSTs a small request naming the address and the response schema it
accepts; the answer lists one ``Protocol`` per server (IMAP, POP3, SMTP). The
request body is untrusted: it is size-limited by the caller and parsed with
``defusedxml`` (no DTDs, no entity expansion, no external references).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Optional

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

import messages
from autoconfig.validation import AutoconfigError, login_name, require_servers, usable_incoming
from autoconfig.xmlout import serialize
from settings import MailServer, ProviderSettings

#: Largest request body accepted, in bytes (real requests are ~400 bytes).
MAX_REQUEST_BYTES = 16 * 1024

REQUEST_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
OUTLOOK_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"


class AutodiscoverRequestError(AutoconfigError):
    """The request body is not a usable Outlook Autodiscover request."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(parent: ET.Element, name: str) -> Optional[str]:
    for child in parent:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return None


def parse_request(body: bytes) -> str:
    """Return the (not yet validated) address in an Autodiscover request.

    Raises AutodiscoverRequestError for a body that is too large, malformed,
    uses DTDs or entities, lacks ``Request/EMailAddress``, or asks for a schema
    other than Outlook's (e.g. Exchange ActiveSync's ``mobilesync``).
    """
    bad = AutodiscoverRequestError(
        messages.text("autoconfig.bad_request") + "\nInvalid Autodiscover request."
    )
    if len(body) > MAX_REQUEST_BYTES:
        raise bad
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError):
        raise bad from None
    if _local(root.tag) != "Autodiscover":
        raise bad
    request = next((c for c in root if _local(c.tag) == "Request"), None)
    if request is None:
        raise bad
    schema = _child_text(request, "AcceptableResponseSchema")
    if schema and schema != OUTLOOK_SCHEMA:
        raise AutodiscoverRequestError(
            messages.text("autoconfig.unsupported_schema")
            + "\nUnsupported response schema: only Outlook's is available."
        )
    address = _child_text(request, "EMailAddress")
    if not address:
        raise bad
    return address


def _protocol(account: ET.Element, kind: str, server: MailServer, login: str) -> None:
    node = ET.SubElement(account, "Protocol")
    ET.SubElement(node, "Type").text = kind.upper()
    ET.SubElement(node, "Server").text = server.host
    ET.SubElement(node, "Port").text = str(server.port)
    ET.SubElement(node, "DomainRequired").text = "off"
    ET.SubElement(node, "LoginName").text = login
    ET.SubElement(node, "SPA").text = "off"
    ET.SubElement(node, "SSL").text = "on"
    # Encryption overrides SSL: "SSL" is implicit TLS, "TLS" is STARTTLS.
    ET.SubElement(node, "Encryption").text = "SSL" if server.security == "ssl" else "TLS"
    ET.SubElement(node, "AuthRequired").text = "on"
    if kind == "smtp":
        ET.SubElement(node, "UsePOPAuth").text = "on"
        ET.SubElement(node, "SMTPLast").text = "off"


def build_response(address: str, settings: ProviderSettings) -> bytes:
    """Return the UTF-8 POX answer for the (already validated) ``address``.

    Raises MissingSettingError when SMTP or both incoming servers are missing.
    """
    incoming = usable_incoming(settings)
    smtp = require_servers(settings, ["smtp"])["smtp"]
    login = login_name(address, settings)
    # Default namespaces written as plain attributes: Outlook expects
    # unprefixed elements, which ElementTree would otherwise prefix (ns0:...).
    root = ET.Element("Autodiscover", {"xmlns": RESPONSE_NS})
    response = ET.SubElement(root, "Response", {"xmlns": OUTLOOK_SCHEMA})
    account = ET.SubElement(response, "Account")
    ET.SubElement(account, "AccountType").text = "email"
    ET.SubElement(account, "Action").text = "settings"
    for kind, server in incoming.items():
        _protocol(account, kind, server, login)
    _protocol(account, "smtp", smtp, login)
    return serialize(root)
