"""Start a new conversation session once a session holds many customer messages, between flows.

Rasa 3.6.21 rebuilds the dialogue state from every event of the current session
on each message (tracker deserialisation, ``past_states`` for every policy, the
tracker sent to the action server), so a long conversation costs more per
message with every turn. Rasa starts a new session only after inactivity
(``session_config``). ``install()`` makes ``MessageProcessor`` also treat a
session as expired when it already holds ``SESSION_MAX_USER_TURNS`` customer
messages and nothing is in progress: no active form, no set-up question
waiting for an answer, no yes/no question just asked (a person offered, a
call-back proposed...), no agent holding the conversation. The project's
``action_session_start`` then carries every slot over (the protocol, the
ticket reference...), exactly as after an idle expiry, and the last lines of
the finished session for an agent's transcript. Older events leave the
in-memory store.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Iterable, Mapping, Optional, Tuple

from supervisor.rasa_version import require_patched_version

logger = logging.getLogger(__name__)

MAX_TURNS_ENV = "SESSION_MAX_USER_TURNS"
# Ten messages: the cost of a message grows with the session (about 0.5 ms per
# message here) and a renewal costs one session start (about 10 ms), so short
# sessions are cheaper on average; the transcript an agent sees is carried
# across renewals (actions/session.py), so nothing is lost for the agent.
DEFAULT_MAX_USER_TURNS = 10
# Slots that mean a flow of ours is waiting for the customer's next message. A
# topic waiting for the protocol ("Tu quale usi?", slot pending_topic) is not one
# of them: only action_explain reads it, from the carried-over slot, so a customer
# who keeps asking without naming the protocol still gets renewed sessions.
IN_PROGRESS_SLOTS = ("setup_pending", "setup_question", "requested_slot")
# Actions whose next customer message the rules read in their light (data/rules.yml):
# a person offered (yes/no), a call-back proposed after a ticket (yes/no), a
# clarification or an out-of-scope answer (a second miss offers a person), the
# "anything else?" after thanks. A new session would forget the question.
# tests/unit/test_runtime_patches.py checks this list against the rules.
AWAITING_ANSWER_AFTER = frozenset({"action_clarify", "action_escalate", "action_welcome",
                                   "utter_offer_human", "utter_out_of_scope"})


def max_user_turns(environ: Mapping[str, str]) -> int:
    """Customer messages a session may hold before it is renewed (0 turns the renewal off)."""
    raw = environ.get(MAX_TURNS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_USER_TURNS
    value = int(raw)
    if value < 0:
        raise ValueError(f"{MAX_TURNS_ENV} must be 0 (off) or a positive number of messages")
    return value


def user_turns_in_session(event_types: Iterable[str]) -> int:
    """Customer messages since the session started (Rasa's event type names, oldest first)."""
    turns = 0
    for event_type in event_types:
        if event_type in ("session_started", "restart"):
            turns = 0
        elif event_type == "user":
            turns += 1
    return turns


def last_bot_action(events: Iterable[Tuple[str, Optional[str]]]) -> Optional[str]:
    """The assistant's last action before it listened (``(type name, action name)`` pairs, oldest first)."""
    last = None
    for event_type, name in events:
        if event_type == "action" and name and name != "action_listen":
            last = name
        elif event_type in ("session_started", "restart"):
            last = None
    return last


def at_rest(slot: Callable[[str], Any], active_loop: Optional[str], paused: bool,
            previous_action: Optional[str] = None) -> bool:
    """Nothing in progress: no form, no set-up question pending, no question just asked, no agent."""
    return (not paused and not active_loop and previous_action not in AWAITING_ANSWER_AFTER
            and not any(slot(name) for name in IN_PROGRESS_SLOTS))


def should_renew(turns: int, limit: int, rest: bool) -> bool:
    """Renew the session: it is full and the conversation is between flows."""
    return limit > 0 and turns >= limit and rest


def install(rasa_version: str | None = None, environ: Mapping[str, str] = os.environ) -> None:
    """Patch ``MessageProcessor._has_session_expired`` in this process (Rasa 3.6.21 only)."""
    from rasa.core.processor import MessageProcessor

    require_patched_version("supervisor.long_sessions", rasa_version)
    limit = max_user_turns(environ)
    expired_by_time = MessageProcessor._has_session_expired

    def _has_session_expired(self: Any, tracker: Any) -> bool:
        if expired_by_time(self, tracker):
            return True
        if not self.domain.session_config.are_sessions_enabled():
            return False
        turns = user_turns_in_session(event.type_name for event in tracker.events)
        if not should_renew(turns, limit, True):  # cheap check first: the rest check below
            return False                        # walks the applied events, once per full session
        # applied events: a message the fallback forgot leaves the question before it standing
        previous = last_bot_action((event.type_name, getattr(event, "action_name", None))
                                   for event in tracker.applied_events())
        renew = at_rest(tracker.get_slot, tracker.active_loop_name, tracker.is_paused(), previous)
        if renew:
            logger.debug("Conversation %s: %d messages in this session, starting a new one",
                         tracker.sender_id, turns)
        return renew

    MessageProcessor._has_session_expired = _has_session_expired  # type: ignore[method-assign]
