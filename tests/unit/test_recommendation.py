"""The recommendation decision is a pure function: every answer pattern is checked."""

import itertools

import pytest

from actions.recommendation import CAUTIONS, recommend


@pytest.mark.parametrize(
    "answers, expected",
    [
        (("many", "no", "server", "yes"), "imap"),
        (("one", "yes", "device", "no"), "pop3"),
        (("one", "yes", "device", "unknown"), "pop3"),
        (("many", "yes", "server", "unknown"), "imap"),
        (("one", "no", "device", "yes"), "pop3"),
        (("one", "no", "server", "no"), "imap"),
        ((None, None, None, None), "imap"),
    ],
)
def test_protocol_follows_the_answers(answers, expected):
    assert recommend(*answers).protocol == expected


def test_reasons_are_those_that_point_to_the_choice():
    result = recommend("many", "yes", "server", "unknown")
    assert result.protocol == "imap"
    assert result.reasons == ["utter_reason_many_devices", "utter_reason_keep_on_server"]
    assert "utter_reason_offline" not in result.reasons


def test_pop3_on_many_devices_suggests_leaving_a_copy():
    result = recommend("many", "yes", "device", "no")
    assert result.protocol == "pop3"
    assert "utter_caution_pop3_keep_copy" in result.cautions


def test_every_combination_gives_reasons_and_the_cautions_of_the_choice():
    values = [("one", "many", None), ("yes", "no", None), ("server", "device", "unknown", None),
              ("yes", "no", "unknown", None)]
    for answers in itertools.product(*values):
        result = recommend(*answers)
        assert result.protocol in ("imap", "pop3")
        assert set(CAUTIONS[result.protocol]) <= set(result.cautions)
        if any(a not in (None, "unknown") for a in answers):
            assert result.reasons, answers
