"""The one Rasa version the runtime patches in this package were written against."""

from __future__ import annotations

PATCHED_RASA_VERSION = "3.6.21"


class UnsupportedRasaVersion(RuntimeError):
    """The installed Rasa is not the version the patches were written against."""


def require_patched_version(patch: str, version: str | None = None) -> str:
    """The installed Rasa version; raise UnsupportedRasaVersion (loudly) on any other one."""
    import rasa

    found = version or rasa.__version__
    if found != PATCHED_RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"{patch} patches Rasa {PATCHED_RASA_VERSION}, found {found}: "
            "compare the patched Rasa code with the patch, then update it"
        )
    return found
