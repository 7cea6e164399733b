"""Pure generators and validation of the auto-configuration files."""

from __future__ import annotations

import plistlib
import uuid
import xml.etree.ElementTree as ET

import pytest
from autoconfig_helpers import AD_NS, autodiscover_request, make_settings

from autoconfig import autodiscover, links, mobileconfig, thunderbird
from autoconfig.validation import (
    AddressError,
    MissingSettingError,
    ProtocolError,
    normalize_protocol,
    require_servers,
    validate_address,
)

DOMAINS = ["example.org", "example.net"]


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("mario.rossi@example.org", "mario.rossi@example.org"),
        ("  Mario.Rossi@EXAMPLE.ORG ", "Mario.Rossi@example.org"),
        ("a+tag@example.net", "a+tag@example.net"),
        ("o'neil@example.org", "o'neil@example.org"),
    ],
)
def test_valid_addresses(raw: str, expected: str) -> None:
    assert validate_address(raw, DOMAINS) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "no-at-sign",
        "a@b@example.org",
        "<x>@example.org",
        "a b@example.org",
        ".a@example.org",
        "a..b@example.org",
        "a.@example.org",
        'a"b@example.org',
        "à@example.org",
        "a@evil.com",
        "a@example.org.evil.com",
        "a@sub.example.org",
        "a@example.org\r\nX-Header: 1",
        "x" * 65 + "@example.org",
        "x" * 5000 + "@example.org",
    ],
)
def test_invalid_addresses(raw: str) -> None:
    with pytest.raises(AddressError) as error:
        validate_address(raw, DOMAINS)
    assert raw is None or not raw.strip() or raw.strip() not in error.value.message


def test_no_domains_configured_refuses_everything() -> None:
    with pytest.raises(AddressError):
        validate_address("a@example.org", [])


@pytest.mark.parametrize("raw, expected", [("imap", "imap"), ("POP", "pop3"), ("pop3", "pop3")])
def test_protocols(raw: str, expected: str) -> None:
    assert normalize_protocol(raw) == expected


@pytest.mark.parametrize("raw", ["smtp", "exchange", "<imap>", "imap4"])
def test_bad_protocols(raw: str) -> None:
    with pytest.raises(ProtocolError):
        normalize_protocol(raw)


def test_missing_protocol_uses_default_only_when_given() -> None:
    assert normalize_protocol(None, default="imap") == "imap"
    with pytest.raises(ProtocolError):
        normalize_protocol("")


def test_require_servers_names_the_gaps() -> None:
    settings = make_settings(smtp={"host": "smtp.example.org", "port": 465, "security": "tls13"})
    with pytest.raises(MissingSettingError) as error:
        require_servers(settings, ["imap", "smtp"])
    assert error.value.missing == ["smtp"]


# ---------------------------------------------------------------- Thunderbird


def test_thunderbird_clientconfig(settings) -> None:
    root = ET.fromstring(thunderbird.build_clientconfig("mario@example.org", settings))
    assert root.tag == "clientConfig" and root.get("version") == "1.1"
    provider = root.find("emailProvider")
    assert provider is not None and provider.get("id") == "example.org"
    assert [d.text for d in provider.findall("domain")] == ["example.org", "example.net"]
    incoming = provider.findall("incomingServer")
    assert [s.get("type") for s in incoming] == ["imap", "pop3"]
    imap, pop3 = incoming
    assert imap.findtext("hostname") == "imap.example.org"
    assert imap.findtext("port") == "993"
    assert imap.findtext("socketType") == "SSL"
    assert pop3.findtext("port") == "995"
    assert pop3.findtext("pop3/leaveMessagesOnServer") == "true"
    smtp = provider.find("outgoingServer")
    assert smtp is not None and smtp.get("type") == "smtp"
    assert smtp.findtext("port") == "587"
    assert smtp.findtext("socketType") == "STARTTLS"
    for server in incoming + [smtp]:
        assert server.findtext("username") == "%EMAILADDRESS%"
        assert server.findtext("authentication") == "password-cleartext"
        assert server.find("password") is None


def test_thunderbird_leaves_out_a_missing_incoming_server() -> None:
    settings = make_settings(pop3=None)
    root = ET.fromstring(thunderbird.build_clientconfig("a@example.org", settings))
    assert [s.get("type") for s in root.iter("incomingServer")] == ["imap"]


def test_thunderbird_without_smtp_is_a_missing_setting() -> None:
    with pytest.raises(MissingSettingError) as error:
        thunderbird.build_clientconfig("a@example.org", make_settings(smtp=None))
    assert error.value.missing == ["smtp"]


def test_thunderbird_without_incoming_is_a_missing_setting() -> None:
    with pytest.raises(MissingSettingError):
        thunderbird.build_clientconfig("a@example.org", make_settings(imap=None, pop3=None))


# ---------------------------------------------------------------- Autodiscover


def test_parse_autodiscover_request() -> None:
    assert autodiscover.parse_request(autodiscover_request("a@example.org")) == "a@example.org"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<Autodiscover><Request/></Autodiscover>",
        b"<Other><Request><EMailAddress>a@example.org</EMailAddress></Request></Other>",
        # entity expansion ("billion laughs") and external entities are refused
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<Autodiscover><Request><EMailAddress>&b;@example.org</EMailAddress></Request></Autodiscover>",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Autodiscover><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>",
        autodiscover_request(
            "a@example.org",
            "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006",
        ),
        b"<Autodiscover>" + b"x" * (autodiscover.MAX_REQUEST_BYTES + 1) + b"</Autodiscover>",
    ],
)
def test_bad_autodiscover_requests(body: bytes) -> None:
    with pytest.raises(autodiscover.AutodiscoverRequestError):
        autodiscover.parse_request(body)


def test_autodiscover_response(settings) -> None:
    root = ET.fromstring(autodiscover.build_response("a@example.org", settings))
    assert (
        root.tag
        == "{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}Autodiscover"
    )
    account = root.find(f"{AD_NS}Response/{AD_NS}Account")
    assert account is not None
    assert account.findtext(f"{AD_NS}AccountType") == "email"
    assert account.findtext(f"{AD_NS}Action") == "settings"
    protocols = {p.findtext(f"{AD_NS}Type"): p for p in account.findall(f"{AD_NS}Protocol")}
    assert list(protocols) == ["IMAP", "POP3", "SMTP"]
    expected = {
        "IMAP": ("imap.example.org", "993", "SSL"),
        "POP3": ("pop.example.org", "995", "SSL"),
        "SMTP": ("smtp.example.org", "587", "TLS"),
    }
    for kind, (host, port, encryption) in expected.items():
        node = protocols[kind]
        assert node.findtext(f"{AD_NS}Server") == host
        assert node.findtext(f"{AD_NS}Port") == port
        assert node.findtext(f"{AD_NS}SSL") == "on"
        assert node.findtext(f"{AD_NS}Encryption") == encryption
        assert node.findtext(f"{AD_NS}LoginName") == "a@example.org"
        assert node.findtext(f"{AD_NS}SPA") == "off"
        assert node.findtext(f"{AD_NS}AuthRequired") == "on"
        assert node.find(f"{AD_NS}Password") is None


def test_autodiscover_escapes_the_address(settings) -> None:
    body = autodiscover.build_response("o'neil&co@example.org", settings)
    assert b"o'neil&amp;co@example.org" in body or b"o&apos;neil&amp;co@example.org" in body
    root = ET.fromstring(body)
    assert root.find(f".//{AD_NS}LoginName").text == "o'neil&co@example.org"


# ---------------------------------------------------------------- Apple profile


@pytest.mark.parametrize(
    "protocol, account_type, port", [("imap", "EmailTypeIMAP", 993), ("pop3", "EmailTypePOP", 995)]
)
def test_mobileconfig(settings, protocol: str, account_type: str, port: int) -> None:
    profile = plistlib.loads(mobileconfig.build_profile("a@example.org", protocol, settings))
    assert profile["PayloadType"] == "Configuration"
    assert profile["PayloadVersion"] == 1
    (mail,) = profile["PayloadContent"]
    assert mail["PayloadType"] == "com.apple.mail.managed"
    assert mail["EmailAccountType"] == account_type
    assert mail["EmailAddress"] == "a@example.org"
    assert mail["IncomingMailServerHostName"] == settings.server(protocol).host
    assert mail["IncomingMailServerPortNumber"] == port
    assert mail["IncomingMailServerUseSSL"] is True
    assert mail["IncomingMailServerUsername"] == "a@example.org"
    assert mail["IncomingMailServerAuthentication"] == "EmailAuthPassword"
    assert mail["OutgoingMailServerHostName"] == "smtp.example.org"
    assert mail["OutgoingMailServerPortNumber"] == 587
    assert mail["OutgoingMailServerUseSSL"] is True
    assert mail["OutgoingMailServerUsername"] == "a@example.org"
    assert mail["OutgoingMailServerAuthentication"] == "EmailAuthPassword"
    assert "IncomingPassword" not in mail and "OutgoingPassword" not in mail
    assert profile["PayloadUUID"] != mail["PayloadUUID"]


def test_mobileconfig_uuids_are_stable_and_distinct(settings) -> None:
    first = plistlib.loads(mobileconfig.build_profile("a@example.org", "imap", settings))
    again = plistlib.loads(mobileconfig.build_profile("a@example.org", "imap", settings))
    other = plistlib.loads(mobileconfig.build_profile("b@example.org", "imap", settings))
    pop = plistlib.loads(mobileconfig.build_profile("a@example.org", "pop3", settings))
    assert first["PayloadUUID"] == again["PayloadUUID"]
    assert first["PayloadContent"][0]["PayloadUUID"] == again["PayloadContent"][0]["PayloadUUID"]
    assert len({first["PayloadUUID"], other["PayloadUUID"], pop["PayloadUUID"]}) == 3
    assert uuid.UUID(first["PayloadUUID"]).version == 5


def test_mobileconfig_needs_its_servers() -> None:
    with pytest.raises(MissingSettingError) as error:
        mobileconfig.build_profile("a@example.org", "pop3", make_settings(pop3=None))
    assert error.value.missing == ["pop3"]
    # IMAP profile does not need POP3
    mobileconfig.build_profile("a@example.org", "imap", make_settings(pop3=None))


# ---------------------------------------------------------------- links


def test_links() -> None:
    base = "https://assistenza.example.org/"
    assert links.thunderbird_url(base, "a+b@example.org") == (
        "https://assistenza.example.org/.well-known/autoconfig/mail/config-v1.1.xml"
        "?emailaddress=a%2Bb@example.org"
    )
    assert (
        links.autodiscover_url(base)
        == "https://assistenza.example.org/autodiscover/autodiscover.xml"
    )
    assert (
        links.mobileconfig_url(base, "pop3")
        == "https://assistenza.example.org/mobileconfig?protocol=pop"
    )
    assert links.mobileconfig_url(base, "imap", "a@example.org") == (
        "https://assistenza.example.org/mobileconfig?protocol=imap&emailaddress=a@example.org"
    )


def test_user_name_follows_the_settings() -> None:
    """The files use the format of servers.username, and refuse to guess one."""
    from autoconfig.autodiscover import build_response
    from autoconfig.mobileconfig import build_profile
    from autoconfig.thunderbird import build_clientconfig
    from autoconfig.validation import MissingSettingError

    local = make_settings(username="local_part")
    assert b"%EMAILLOCALPART%" in build_clientconfig("mario.rossi@example.org", local)
    assert b"<LoginName>mario.rossi</LoginName>" in build_response("mario.rossi@example.org", local)
    assert b"<string>mario.rossi</string>" in build_profile("mario.rossi@example.org", "imap", local)
    unknown = make_settings(username=None)
    for build in (lambda: build_clientconfig("a@example.org", unknown),
                  lambda: build_response("a@example.org", unknown),
                  lambda: build_profile("a@example.org", "imap", unknown)):
        with pytest.raises(MissingSettingError):
            build()
