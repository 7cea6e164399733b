"""Free-text answers to the recommendation questions."""

import pytest

from actions.answers import parse_device_count, parse_space_backup, parse_storage, parse_yes_no


@pytest.mark.parametrize(
    "text, expected",
    [
        ("solo uno", "one"), ("uno solo", "one"), ("soltanto il pc", "one"), ("1", "one"),
        ("tre", "many"), ("2", "many"), ("telefono e pc", "many"), ("Più di uno", "many"),
        ("piu di uno", "many"), ("cellulare, tablet e portatile", "many"), ("boh", None),
        ("entrambi", "many"),
    ],
)
def test_device_count(text, expected):
    assert parse_device_count(text) == expected


def test_named_devices_count_as_many():
    assert parse_device_count("questi", ["smartphone", "pc"]) == "many"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sì", "yes"), ("si spesso", "yes"), ("ogni tanto", "yes"), ("mi capita in treno", "yes"),
        ("no", "no"), ("mai", "no"), ("non mi capita", "no"), ("boh", None), ("", None),
    ],
)
def test_yes_no(text, expected):
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sul server", "server"), ("ovunque", "server"), ("solo sul mio pc", "device"),
        ("sul dispositivo", "device"), ("non saprei", "unknown"), ("banana", None),
    ],
)
def test_storage(text, expected):
    assert parse_storage(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("sì, tutto ok", "yes"), ("no", "no"), ("non lo so", "unknown"), ("boh", "unknown")],
)
def test_space_backup(text, expected):
    assert parse_space_backup(text) == expected
