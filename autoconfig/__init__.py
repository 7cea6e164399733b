"""Automatic mail-client configuration files for the provider's mailboxes.

Pure generators (no web framework) for:

* Thunderbird ``clientConfig`` version 1.1 (:mod:`autoconfig.thunderbird`),
* Outlook Autodiscover "POX" answers (:mod:`autoconfig.autodiscover`),
* Apple configuration profiles with a ``com.apple.mail.managed`` payload
  (:mod:`autoconfig.mobileconfig`),

plus the input validation they share (:mod:`autoconfig.validation`), the public
links the chat shows (:mod:`autoconfig.links`) and the aiohttp routes that serve
them (:mod:`autoconfig.routes`). No file ever contains a password: clients ask
the customer for it.
"""

from autoconfig.validation import (
    AddressError,
    MissingSettingError,
    ProtocolError,
    normalize_protocol,
    validate_address,
)

__all__ = [
    "AddressError",
    "MissingSettingError",
    "ProtocolError",
    "normalize_protocol",
    "validate_address",
]
