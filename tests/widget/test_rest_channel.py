"""The REST channel's pure checks: who may call it and which senders it takes."""

from __future__ import annotations

import pytest

from channels.rest import access_problem, sender_problem


@pytest.mark.parametrize(
    "peer, authorization, token, status",
    [("127.0.0.1", None, "", None), ("::1", None, "", None),  # local tools, no token needed
     ("10.0.0.5", None, "", 403), (None, None, "", 403), ("nonsense", None, "", 403),
     ("10.0.0.5", "Bearer s3cret", "s3cret", None), ("127.0.0.1", "Bearer wrong", "s3cret", 401),
     ("127.0.0.1", None, "s3cret", 401)],  # with a token, loopback needs it too
)
def test_access(peer, authorization, token, status):
    problem = access_problem(peer, authorization, token)
    assert (problem[0] if problem else None) == status


@pytest.mark.parametrize(
    "sender, ok",
    [("conv-1", True), ("test user 1", True), ("anna@example.org", True), ("àlan", True),
     ("x" * 100, True), ("x" * 101, False), ("", False), (None, False), (42, False),
     ("a\nb", False), ("a\n", False), ("<script>", False), (" lead", False),
     ("web-" + "0" * 32, False), ("WEB-anything", False)],
)
def test_senders(sender, ok):
    assert (sender_problem(sender) is None) == ok
