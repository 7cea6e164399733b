"""Install the spaCy model ``it_core_news_sm`` into the active environment.

The official 3.4.x package is tried first. It is published only as a release
asset outside PyPI, so on machines without general Internet access this fails;
then a clearly labelled OFFLINE STAND-IN is built and installed instead: a
blank Italian pipeline (same tokenizer rules) with spaCy's lookup lemmatizer
from ``spacy-lookups-data``. It has no tagger, parser or NER; the assistant's
pipeline only uses tokens and lemmas, so training and tests run, but the
figures are those of the stand-in and every report says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

NAME = "it_core_news_sm"
OFFICIAL_VERSION = "3.4.0"
OFFICIAL_URL = (
    "https://github.com/explosion/spacy-models/releases/download/"
    f"{NAME}-{OFFICIAL_VERSION}/{NAME}-{OFFICIAL_VERSION}-py3-none-any.whl"
)
STANDIN_VERSION = "3.4.0+offline.standin"
STANDIN_NOTE = (
    "OFFLINE STAND-IN for it_core_news_sm: blank Italian tokenizer + lookup "
    "lemmatizer (spacy-lookups-data). NOT the official model."
)

BANNER = """
############################################################################
#  WARNING: the official spaCy model it_core_news_sm could not be downloaded.
#  Installed an OFFLINE STAND-IN instead (blank Italian tokenizer + lookup
#  lemmatizer). NLU figures measured with it are NOT those of the official
#  model. Re-run `make setup` on a machine that can reach the model's release
#  page to get the official package.
############################################################################
"""


def installed_version() -> str | None:
    """Return the installed model version, or None."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover
        return None
    try:
        return version(NAME)
    except PackageNotFoundError:
        return None


def pip(*args: str, timeout: int = 600, quiet: bool = False) -> bool:
    """Run pip in this interpreter; True on success (``quiet`` hides its output)."""
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q", *args]
    output = subprocess.DEVNULL if quiet else None
    try:
        return subprocess.run(cmd, timeout=timeout, stdout=output, stderr=output).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def install_official() -> bool:
    """Try the official wheel (fails fast without Internet access)."""
    print(f"Trying the official {NAME} {OFFICIAL_VERSION} ...", flush=True)
    ok = pip("--timeout", "15", "--retries", "0", OFFICIAL_URL, timeout=120, quiet=True)
    if not ok:
        print(f"  could not download {OFFICIAL_URL}", flush=True)
    return ok


def build_standin(workdir: Path) -> Path:
    """Build the stand-in pipeline and package it as an sdist; return its path."""
    import spacy
    from spacy.cli.package import package

    nlp = spacy.blank("it")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta.update(
        {
            "name": "core_news_sm",
            "version": STANDIN_VERSION,
            "description": STANDIN_NOTE,
            "author": "project set-up script (offline stand-in)",
            "license": "MIT",
            "spacy_version": ">=3.4.0,<3.5.0",
        }
    )
    model_dir = workdir / "model"
    nlp.to_disk(model_dir)
    out = workdir / "dist"
    out.mkdir()
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        package(model_dir, out, create_sdist=True, create_wheel=False, force=True, silent=True)
    return next(out.glob(f"{NAME}-*/dist/*.tar.gz"))


def main() -> int:
    """Install the official model, else the stand-in; exit non-zero on failure."""
    current = installed_version()
    if current and "standin" not in current:
        print(f"spaCy model {NAME} {current} (official) already installed.")
        return 0
    if install_official():
        print(f"Installed the official {NAME} {OFFICIAL_VERSION}.")
        return 0
    if current:
        print(BANNER, file=sys.stderr, flush=True)
        print(f"Keeping the already installed stand-in {NAME} {current}.", flush=True)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        sdist = build_standin(Path(tmp))
        if not pip(str(sdist)):
            print("Could not install the spaCy model stand-in.", file=sys.stderr)
            return 1
    print(BANNER, file=sys.stderr, flush=True)
    print(f"Installed {NAME} {STANDIN_VERSION}.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
