#!/usr/bin/env bash
# Set up everything the assistant needs, idempotently:
#   Python 3.10 virtualenv with pinned packages, the spaCy model
#   (official or the labelled offline stand-in) and the website widget bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv

find_python310() {
  if [ -n "${PYTHON310:-}" ]; then echo "$PYTHON310"; return; fi
  local root candidate
  if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    for candidate in "$root"/versions/3.10.*/bin/python3.10; do
      [ -x "$candidate" ] && { echo "$candidate"; return; }
    done
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null \
      && { echo "$candidate"; return; }
  done
  echo "ERROR: Python 3.10 not found (Rasa 3.6 needs 3.8-3.10). Set PYTHON310=/path/to/python3.10." >&2
  exit 1
}

if [ ! -x "$VENV/bin/python" ]; then
  PY="$(find_python310)"
  echo "==> Creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi

REQ_HASH="$(cat requirements.txt constraints.txt | sha256sum | cut -c1-16)"
if [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$REQ_HASH" ]; then
  echo "==> Installing pinned Python packages (first time: about 3 minutes)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q "pip==24.0"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r requirements.txt -c constraints.txt
  echo "$REQ_HASH" > "$VENV/.requirements"
fi

echo "==> spaCy model"
"$VENV/bin/python" scripts/install_spacy_model.py
# The model's version is a training input: a change triggers a new training.
"$VENV/bin/python" -c 'from components.model_info import spacy_model_info as i; print(i()["label"])' > "$VENV/.spacy_model.new"
cmp -s "$VENV/.spacy_model.new" "$VENV/.spacy_model" || mv "$VENV/.spacy_model.new" "$VENV/.spacy_model"
rm -f "$VENV/.spacy_model.new"

if [ -f widget/package.json ]; then
  echo "==> Website widget"
  bash widget/build.sh
fi
