"""Check action-server responses with a JSON-schema validator compiled once.

Rasa 3.6.21's ``RemoteAction._validate_action_result`` calls
``jsonschema.validate``, which checks the schema itself and builds a new
validator on every custom action: a third of the Rasa process's CPU under load.
``install()`` replaces that method with one that does the same check (same
validator class, same best-match error, same message appended) with a validator
built once. It refuses, loudly, to patch any other Rasa version: the copy here
must be re-read against the new source first.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict

from supervisor.rasa_version import require_patched_version

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The validator ``jsonschema.validate`` would build for Rasa's response schema."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(result: Dict[str, Any]) -> bool:
    """True for a valid response; raises Rasa's ValidationError otherwise."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install(rasa_version: str | None = None) -> None:
    """Patch RemoteAction in this process; raise UnsupportedRasaVersion on any other Rasa."""
    from rasa.core.actions.action import RemoteAction

    version = require_patched_version("supervisor.action_schema", rasa_version)

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        return validate_action_result(result)

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    logger.info("Action responses validated with a precompiled schema (Rasa %s)", version)
