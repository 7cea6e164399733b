"""No customer-facing Italian sentence is written in Python.

Sentences the customer reads live in domain.yml (the assistant's answers) or in
messages/it.yml (the services that are not Rasa). This test reads the string
constants of the customer-facing code (docstrings excluded) and fails on any
that looks like Italian prose. Word lists of what customers TYPE (the answer
parsers) are not sentences the customer reads: they are listed below.
"""

import ast
import re
from pathlib import Path
from typing import Iterator, List, Tuple

import yaml

import messages
from tests.language.spelling import allowed_words, hunspell_available, misspelt

ROOT = Path(__file__).resolve().parents[2]
CUSTOMER_FACING = ["actions", "channels", "autoconfig", "webapp", "components",
                   "escalation/rasa_client.py", "messages"]
#: Modules that hold what customers type (parsed, never shown), with the reason.
INPUT_VOCABULARY = {
    "actions/answers.py": "words customers use in their replies to the form's questions",
    "actions/topics.py": "words that make a customer's message a statement",
}
_ITALIAN = re.compile(
    r"\b(il|lo|la|le|gli|di|del|della|dei|per|non|che|con|una|sono|ti|tuo|tua|tuoi|puoi|questo|"
    r"questa|nel|nella|alla|anche|più|ma|hai|scrivi|grazie|ciao|riprova|posta)\b|[àèéìòù]",
    re.IGNORECASE,
)


def python_files() -> Iterator[Path]:
    for entry in CUSTOMER_FACING:
        path = ROOT / entry
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def docstring_nodes(tree: ast.AST) -> set:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def italian_strings(path: Path) -> List[Tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstring_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
            if len(text.split()) >= 3 and len(_ITALIAN.findall(text)) >= 2:
                found.append((node.lineno, text))
    return found


def test_no_customer_facing_italian_in_python():
    offenders = []
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        if relative in INPUT_VOCABULARY:
            continue
        offenders += [f"{relative}:{line}: {text[:70]!r}" for line, text in italian_strings(path)]
    assert offenders == [], "move these to domain.yml or messages/it.yml:\n" + "\n".join(offenders)


def test_the_check_finds_italian(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('"""Docstring in italiano: non conta."""\n'
                     'MESSAGE = "Scrivi la tua domanda per favore"\n')
    assert [text for _, text in italian_strings(probe)] == ["Scrivi la tua domanda per favore"]


def test_every_catalogue_key_is_used_and_spelt_correctly():
    keys = set(messages.catalogue())
    code = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")
                     if ".venv" not in p.parts and "node_modules" not in p.parts)
    # a key is used literally ("widget.rate_limited") or built from its prefix ("autoconfig.form_")
    unused = sorted(k for k in keys if f'"{k}"' not in code and f'"{k.rsplit("_", 1)[0]}_' not in code)
    assert unused == []
    if hunspell_available():
        raw = yaml.safe_load(messages.CATALOGUE.read_text(encoding="utf-8"))
        texts = {f"{s}.{k}": v for s, entries in raw.items() for k, v in entries.items()}
        assert misspelt(texts, allowed_words()) == []
