"""Every response, button title and message-catalogue line is spelt correctly (hunspell-it)."""

import os
from pathlib import Path

import pytest
import yaml

from tests.language.spelling import allowed_words, hunspell_available, misspelt, words

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def response_texts() -> dict:
    texts = {}
    for name, variations in DOMAIN["responses"].items():
        for index, variation in enumerate(variations):
            titles = " ".join(b.get("title", "") for b in variation.get("buttons") or [])
            texts[f"{name}[{index}]"] = f"{variation.get('text', '')} {titles}"
    return texts


@pytest.fixture(scope="module")
def dictionary():
    if not hunspell_available():
        if os.environ.get("CI"):
            pytest.fail("hunspell and hunspell-it are missing: run scripts/setup_test_deps.sh")
        pytest.skip("hunspell-it is not installed (scripts/setup_test_deps.sh installs it)")


def test_every_response_is_spelt_correctly(dictionary):
    wrong = misspelt(response_texts(), allowed_words())
    assert wrong == [], "\n".join(f"{name}: {word}" for name, word in wrong)


def test_the_check_catches_a_misspelling(dictionary):
    assert misspelt({"probe": "La posta rimanne sul server"}, allowed_words()) == [("probe", "rimanne")]


def test_placeholders_addresses_and_elisions_are_not_words():
    assert words("Ciao {provider_name}, scrivi a nome@example.org dall'app {pop3_host}") == [
        "Ciao", "scrivi", "a", "app"]
