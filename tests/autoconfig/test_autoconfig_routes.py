"""The auto-configuration files served over HTTP (real loopback server)."""

from __future__ import annotations

import plistlib
import xml.etree.ElementTree as ET

import pytest
from autoconfig_helpers import AD_NS, autodiscover_request, make_settings, request

from autoconfig.autodiscover import MAX_REQUEST_BYTES

TB_PATHS = ["/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"]
AD_PATHS = ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"]

HOSTILE = [
    "",
    "   ",
    "<x>@example.org",
    "a@evil.com",
    "a@example.org.evil.com",
    "<script>alert(1)</script>@example.org",
    "a@example.org\r\nSet-Cookie: x=1",
    "x" * 5000,
    "x" * 5000 + "@example.org",
    "a&b=<c>@example.org",
]


def assert_plain_400(status: int, headers, body: bytes) -> None:
    assert status == 400
    assert headers["Content-Type"].startswith("text/plain")
    assert b"<" not in body and b"evil" not in body
    assert len(body) < 400


def assert_no_password(body: bytes) -> None:
    lowered = body.lower()
    markers = (
        b"<password",  # XML element (Thunderbird, Autodiscover)
        b"<key>incomingpassword</key>",  # plist keys (Apple)
        b"<key>outgoingpassword</key>",
        b"<key>password</key>",
        b"secret",
    )
    for marker in markers:
        assert marker not in lowered


# ---------------------------------------------------------------- Thunderbird


@pytest.mark.parametrize("path", TB_PATHS)
def test_thunderbird_served(settings, path: str) -> None:
    status, headers, body = request(
        settings, "GET", path, params={"emailaddress": "a+b@example.org"}
    )
    assert status == 200
    assert headers["Content-Type"] == "application/xml; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    root = ET.fromstring(body)
    assert root.tag == "clientConfig" and root.get("version") == "1.1"
    kinds = [s.get("type") for s in root.iter("incomingServer")]
    assert kinds == ["imap", "pop3"]
    assert root.find("emailProvider/outgoingServer").findtext("hostname") == "smtp.example.org"
    assert_no_password(body)


@pytest.mark.parametrize("address", HOSTILE)
def test_thunderbird_refuses_bad_addresses(settings, address: str) -> None:
    status, headers, body = request(settings, "GET", TB_PATHS[0], params={"emailaddress": address})
    assert_plain_400(status, headers, body)


def test_thunderbird_requires_the_address(settings) -> None:
    status, headers, body = request(settings, "GET", TB_PATHS[1])
    assert_plain_400(status, headers, body)


def test_repeated_parameter_refused(settings) -> None:
    status, headers, body = request(
        settings, "GET", TB_PATHS[0] + "?emailaddress=a@example.org&emailaddress=b@example.org"
    )
    assert_plain_400(status, headers, body)


def test_missing_setting_is_503() -> None:
    status, headers, body = request(
        make_settings(smtp=None), "GET", TB_PATHS[0], params={"emailaddress": "a@example.org"}
    )
    assert status == 503
    assert headers["Content-Type"].startswith("text/plain")
    assert b"smtp" in body


# ---------------------------------------------------------------- Autodiscover


@pytest.mark.parametrize("path", AD_PATHS)
def test_autodiscover_roundtrip(settings, path: str) -> None:
    status, headers, body = request(
        settings,
        "POST",
        path,
        data=autodiscover_request("Mario.Rossi@Example.org"),
        headers={"Content-Type": "text/xml"},
    )
    assert status == 200
    assert headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(body)
    protocols = root.findall(f"{AD_NS}Response/{AD_NS}Account/{AD_NS}Protocol")
    assert [p.findtext(f"{AD_NS}Type") for p in protocols] == ["IMAP", "POP3", "SMTP"]
    assert {p.findtext(f"{AD_NS}LoginName") for p in protocols} == {"Mario.Rossi@example.org"}
    assert_no_password(body)


@pytest.mark.parametrize("address", HOSTILE)
def test_autodiscover_refuses_bad_addresses(settings, address: str) -> None:
    from xml.sax.saxutils import escape

    status, headers, body = request(
        settings, "POST", AD_PATHS[0], data=autodiscover_request(escape(address))
    )
    assert_plain_400(status, headers, body)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage",
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><Autodiscover/>',
    ],
)
def test_autodiscover_refuses_bad_bodies(settings, data: bytes) -> None:
    status, headers, body = request(settings, "POST", AD_PATHS[0], data=data)
    assert_plain_400(status, headers, body)


def test_autodiscover_body_size_limited(settings) -> None:
    data = b"<Autodiscover>" + b" " * MAX_REQUEST_BYTES + b"</Autodiscover>"
    status, headers, _ = request(settings, "POST", AD_PATHS[0], data=data)
    assert status == 413


def test_autodiscover_chunked_body_size_limited(settings) -> None:
    async def chunks():
        for _ in range(40):
            yield b" " * 1024

    status, _, _ = request(settings, "POST", AD_PATHS[0], data=chunks())
    assert status == 413


def test_autodiscover_get_not_allowed(settings) -> None:
    status, _, _ = request(settings, "GET", AD_PATHS[0])
    assert status == 405


# ---------------------------------------------------------------- Apple profile


@pytest.mark.parametrize(
    "protocol, account_type", [("imap", "EmailTypeIMAP"), ("pop", "EmailTypePOP")]
)
def test_mobileconfig_download(settings, protocol: str, account_type: str) -> None:
    status, headers, body = request(
        settings,
        "GET",
        "/mobileconfig",
        params={"emailaddress": "a@example.org", "protocol": protocol},
    )
    assert status == 200
    assert headers["Content-Type"] == "application/x-apple-aspen-config"
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".mobileconfig" in disposition
    assert "a@example.org" not in disposition
    profile = plistlib.loads(body)
    (mail,) = profile["PayloadContent"]
    assert mail["PayloadType"] == "com.apple.mail.managed"
    assert mail["EmailAccountType"] == account_type
    assert mail["IncomingMailServerUsername"] == "a@example.org"
    assert_no_password(body)


@pytest.mark.parametrize("address", HOSTILE)
def test_mobileconfig_refuses_bad_addresses(settings, address: str) -> None:
    status, headers, body = request(
        settings, "GET", "/mobileconfig", params={"emailaddress": address, "protocol": "imap"}
    )
    assert_plain_400(status, headers, body)


@pytest.mark.parametrize("protocol", ["smtp", "", "<imap>", "exchange"])
def test_mobileconfig_refuses_bad_protocol(settings, protocol: str) -> None:
    status, headers, body = request(
        settings,
        "GET",
        "/mobileconfig",
        params={"emailaddress": "a@example.org", "protocol": protocol},
    )
    if protocol == "":
        # an empty protocol falls back to IMAP, the recommended default
        assert status == 200
        return
    assert_plain_400(status, headers, body)


def test_mobileconfig_without_address_shows_a_form(settings) -> None:
    status, headers, body = request(settings, "GET", "/mobileconfig", params={"protocol": "pop"})
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert b'name="emailaddress"' in body and b'value="pop"' in body
    assert b'type="password"' not in body


def test_mobileconfig_missing_pop3_setting_is_503() -> None:
    status, _, body = request(
        make_settings(pop3=None),
        "GET",
        "/mobileconfig",
        params={"emailaddress": "a@example.org", "protocol": "pop"},
    )
    assert status == 503
    assert b"pop3" in body
