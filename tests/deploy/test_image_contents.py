"""The container image holds every project package its processes import.

deploy/Dockerfile copies the project's packages one by one (an allow-list), so
a package that a workload imports only indirectly (the console's analytics
pages, Rasa's event broker named in endpoints.yml) is easy to forget and fails
only inside the cluster. The closure of project imports is computed from the
source (``ast``), starting from every ``python -m`` module in deploy/k8s/base and
every class Rasa loads by name from config.yml and the deployed endpoints.yml.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Set

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy" / "k8s" / "base"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
LOCAL = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()}
#: The action server loads this package by name (rasa_sdk's create_app).
ACTION_PACKAGE = "actions"


def module_file(name: str) -> Optional[Path]:
    """The source file of project module ``name``, or None."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every module name ``path`` (module ``module``) may import, anywhere in its body."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            origin = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            base = ".".join(part for part in (origin, node.module or "") if part)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def project_modules(entries: Iterable[str]) -> Set[str]:
    """The project modules reached from ``entries`` (module or class paths), parents included."""
    seen: Set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen or name.split(".")[0] not in LOCAL:
            continue
        path = module_file(name)
        if path is None:  # a class or function path: its module is the part before
            if "." in name:
                todo.append(name.rpartition(".")[0])
            continue
        seen.add(name)
        todo.extend(name.split(".")[0] + "".join(f".{p}" for p in name.split(".")[1:i])
                    for i in range(1, name.count(".") + 1))
        if path.name == "__init__.py" and module_file(f"{name}.__main__"):
            todo.append(f"{name}.__main__")
        todo.extend(imported_names(path, name))
    return seen


def commands(node: object) -> Iterator[List[str]]:
    """Every container ``command`` list in a parsed manifest."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "command" and isinstance(value, list):
                yield [str(part) for part in value]
            else:
                yield from commands(value)
    elif isinstance(node, list):
        for item in node:
            yield from commands(item)


def entry_points() -> List[str]:
    """``python -m`` modules of the workloads and the classes Rasa loads by name."""
    entries = [ACTION_PACKAGE]
    for manifest in sorted(BASE.glob("*.yaml")):
        for doc in yaml.safe_load_all(manifest.read_text()):
            entries.extend(command[2] for command in commands(doc) if command[:2] == ["python", "-m"])
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    entries.extend(item["name"] for key in ("pipeline", "policies") for item in config[key])
    endpoints = yaml.safe_load((BASE / "endpoints.yml").read_text())
    sections = [section for section in endpoints.values() if isinstance(section, dict)]
    entries.extend(str(section.get("type", "")) for section in sections)
    return entries


def missing_from_image(dockerfile: str) -> List[str]:
    """Top-level project packages imported by a deployed process but not copied into the image."""
    copied = set(re.findall(r"^COPY (?!--from)(\w+) \1\s*$", dockerfile, re.MULTILINE))
    needed = {name.split(".")[0] for name in project_modules(entry_points())}
    return sorted(needed - copied)


def test_entry_points_cover_every_process() -> None:
    entries = set(entry_points())
    assert {"supervisor.rasa_run", "supervisor.action_server", "webapp", "escalation.console",
            "escalation.worker", "escalation.purge", "analytics.broker.BatchingSQLEventBroker"} <= entries


def test_the_image_holds_every_package_a_process_imports() -> None:
    assert missing_from_image(DOCKERFILE.read_text()) == []


def test_the_check_sees_an_indirect_import() -> None:
    # The console imports analytics only through escalation.console's pages.
    text = DOCKERFILE.read_text()
    assert "COPY analytics analytics" in text
    assert missing_from_image(text.replace("COPY analytics analytics\n", "")) == ["analytics"]
