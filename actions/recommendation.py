"""Recommend IMAP or POP3 from the customer's four answers (pure logic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

CAUTIONS = {
    "imap": [
        "utter_caution_imap_connection",
        "utter_caution_imap_delete",
        "utter_caution_imap_space",
        "utter_caution_imap_backup",
    ],
    "pop3": [
        "utter_caution_pop3_loss",
        "utter_caution_pop3_other_devices",
        "utter_caution_pop3_sent",
    ],
}


@dataclass
class Recommendation:
    """Chosen protocol, the reasons that applied and the cautions to mention."""

    protocol: str
    reasons: List[str] = field(default_factory=list)
    cautions: List[str] = field(default_factory=list)


def recommend(
    devices: Optional[str],
    offline: Optional[str],
    storage: Optional[str],
    space: Optional[str],
) -> Recommendation:
    """Weigh the answers; ties go to IMAP, the protocol that loses no mail with a device.

    ``devices`` is ``one``/``many``, ``offline`` and ``space`` (is the
    mailbox space enough to keep all mail on the server) are ``yes``/``no``,
    ``storage`` is ``server``/``device``. Any answer may also be ``unknown``
    or None: those weigh nothing. With no reason at all, the reason given is
    that IMAP loses no mail when a device is lost.
    """
    imap: List[tuple[int, str]] = []
    pop3: List[tuple[int, str]] = []
    if devices == "many":
        imap.append((3, "utter_reason_many_devices"))
    elif devices == "one":
        pop3.append((1, "utter_reason_single_device"))
    if offline == "yes":
        pop3.append((2, "utter_reason_offline"))
    elif offline == "no":
        imap.append((1, "utter_reason_online"))
    if storage == "server":
        imap.append((2, "utter_reason_keep_on_server"))
    elif storage == "device":
        pop3.append((2, "utter_reason_keep_on_device"))
    if space == "yes":
        imap.append((1, "utter_reason_space_ok"))
    elif space == "no":
        pop3.append((1, "utter_reason_space_tight"))

    imap_score = sum(weight for weight, _ in imap)
    pop3_score = sum(weight for weight, _ in pop3)
    protocol = "pop3" if pop3_score > imap_score else "imap"
    chosen = pop3 if protocol == "pop3" else imap
    reasons = [name for _, name in sorted(chosen, key=lambda item: -item[0])]
    if not reasons:
        reasons = ["utter_reason_default_imap"]

    cautions = list(CAUTIONS[protocol])
    if protocol == "imap" and offline == "no":
        cautions.remove("utter_caution_imap_connection")
        cautions.append("utter_caution_imap_connection")
    if protocol == "pop3" and devices == "many":
        cautions.append("utter_caution_pop3_keep_copy")
    return Recommendation(protocol, reasons, cautions)
