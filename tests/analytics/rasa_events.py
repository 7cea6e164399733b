"""Build event dicts exactly as Rasa's event broker records them (``Event.as_dict()``)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)

DAY = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc).timestamp()


class Dialogue:
    """A conversation written turn by turn; ``events`` are the broker's dicts."""

    def __init__(self, sender_id: str, start: float = DAY) -> None:
        self.sender_id = sender_id
        self.clock = start
        self.events: list[dict[str, Any]] = []
        self._add(ActionExecuted("action_session_start", timestamp=self._tick()))
        self._add(SessionStarted(timestamp=self._tick()))
        self._add(ActionExecuted("action_listen", timestamp=self._tick()))

    def _tick(self) -> float:
        self.clock += 1
        return self.clock

    def _add(self, event: Any) -> None:
        data = event.as_dict()
        data["sender_id"] = self.sender_id
        self.events.append(data)

    def user(self, text: str, intent: str, confidence: float = 1.0,
             ranking: list[tuple[str, float]] | None = None) -> Dialogue:
        top = {"name": intent, "confidence": confidence}
        parse_data = {"text": text, "intent": top, "entities": [],
                      "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking or []]}
        self._add(UserUttered(text, intent=top, parse_data=parse_data, timestamp=self._tick()))
        return self

    def action(self, name: str) -> Dialogue:
        self._add(ActionExecuted(name, policy="RulePolicy", confidence=1.0, timestamp=self._tick()))
        if name.startswith("utter_"):
            self._add(BotUttered("...", metadata={"utter_action": name}, timestamp=self._tick()))
        return self

    def says(self, response: str) -> Dialogue:
        """A response sent by a custom action (a bot event only)."""
        self._add(BotUttered("...", metadata={"utter_action": response}, timestamp=self._tick()))
        return self

    def slot(self, name: str, value: Any) -> Dialogue:
        self._add(SlotSet(name, value, timestamp=self._tick()))
        return self

    def loop(self, name: str | None) -> Dialogue:
        self._add(ActiveLoop(name, timestamp=self._tick()))
        return self

    def listen(self) -> Dialogue:
        return self.action("action_listen")

    def new_session(self) -> Dialogue:
        self._add(ActionExecuted("action_session_start", timestamp=self._tick()))
        self._add(SessionStarted(timestamp=self._tick()))
        return self.listen()
