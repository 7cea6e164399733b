"""Copy the rasa-webchat standalone bundle from node_modules into widget/dist.

Run after ``npm ci --ignore-scripts`` in ``widget/`` (``widget/build.sh`` does
both). node_modules is never edited: the copy in ``dist/`` is patched so that

* the stylesheet's ``@import url(https://fonts.googleapis.com/...)`` is removed
  (the page must make no request to another host; ``static/widget.css`` sets a
  system font stack instead, and the bundle's ``Inter`` font-family is replaced
  by the same stack);
* Markdown links in bot messages go through react-markdown's default URL filter
  again (rasa-webchat 1.0.1 turns it off with ``transformLinkUri:null``, which
  would let a ``javascript:`` link through).

Every patch must match exactly as many times as expected, so a different
bundle fails the build instead of being served half-patched. ``dist/manifest.json``
records the source and output SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "rasa-webchat"
DIST = HERE / "dist"
VERSION = "1.0.1"
BUNDLE_NAME = f"rasa-webchat-{VERSION}.js"

# No quotes: the CSS sits inside JavaScript string literals of the bundle.
SYSTEM_FONTS = (
    "system-ui,-apple-system,Segoe UI,Roboto,Helvetica Neue,Arial,Noto Sans,"
    "Liberation Sans,sans-serif"
)
# An @import of a stylesheet on any absolute or protocol-relative URL.
REMOTE_IMPORT = re.compile(r"@import url\((?:https?:)?//[^)]*\);?")


class BuildError(RuntimeError):
    """The installed package is not the one this build was written for."""


def _replace(source: str, old: str, new: str, expected: int, what: str) -> str:
    found = source.count(old)
    if found != expected:
        raise BuildError(f"{what}: expected {expected} occurrence(s) of {old!r}, found {found}")
    return source.replace(old, new)


def patch_bundle(source: str) -> str:
    """Return the patched bundle text (pure; raises BuildError on surprises)."""
    imports = REMOTE_IMPORT.findall(source)
    if not imports:
        raise BuildError("no remote @import found: is this rasa-webchat 1.0.1?")
    source = REMOTE_IMPORT.sub("", source)
    source = _replace(source, "transformLinkUri:null,", "", 1, "link filter")
    source = source.replace("font-family:Inter,sans-serif", f"font-family:{SYSTEM_FONTS}")
    for needle in ("fonts.googleapis.com", "fonts.gstatic.com", "@import url(http", "@import url(//"):
        if needle in source:
            raise BuildError(f"patched bundle still contains {needle!r}")
    if "font-family:Inter" in source:
        raise BuildError("the Inter web font is still referenced")
    return source


def _check_syntax(path: Path) -> None:
    """Let node parse the patched bundle (a broken patch must fail the build)."""
    node = shutil.which("node")
    if node is None:
        print("node not found: skipping the syntax check of the patched bundle", file=sys.stderr)
        return
    result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        path.unlink()
        raise BuildError(f"patched bundle is not valid JavaScript: {result.stderr[:500]}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(package: Path = PACKAGE, dist: Path = DIST) -> Path:
    """Write the patched bundle, its licence and a manifest into ``dist``."""
    meta_path = package / "package.json"
    if not meta_path.exists():
        raise BuildError(f"{package} is missing: run `npm ci --ignore-scripts` in {HERE}")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("version") != VERSION:
        raise BuildError(f"rasa-webchat {meta.get('version')} installed, {VERSION} expected")
    raw = (package / "lib" / "index.js").read_bytes()
    patched = patch_bundle(raw.decode("utf-8")).encode("utf-8")
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / BUNDLE_NAME
    tmp = target.with_suffix(".tmp.js")
    tmp.write_bytes(patched)
    _check_syntax(tmp)
    tmp.replace(target)
    shutil.copyfile(package / "LICENSE", dist / "rasa-webchat-LICENSE.txt")
    manifest = {
        "package": "rasa-webchat",
        "version": VERSION,
        "source": "node_modules/rasa-webchat/lib/index.js",
        "source_sha256": _sha256(raw),
        "bundle": BUNDLE_NAME,
        "bundle_sha256": _sha256(patched),
        "patches": [
            "removed remote @import of fonts.googleapis.com",
            "font-family Inter replaced by a system font stack",
            "re-enabled react-markdown's link URL filter (transformLinkUri)",
        ],
    }
    (dist / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def main() -> int:
    try:
        target = build()
    except BuildError as error:
        print(f"widget build failed: {error}", file=sys.stderr)
        return 1
    print(f"widget bundle written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
