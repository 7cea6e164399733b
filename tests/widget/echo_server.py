"""A Sanic app with only the widget channel and an echo "bot" (no model needed).

Run as ``python tests/widget/echo_server.py PORT ORIGIN``: Sanic-CORS is applied
for ORIGIN exactly as ``rasa run --cors ORIGIN`` does, and every user message is
answered with ``echo:<conversation id>:<text passed to Rasa>|<metadata JSON>``.
"""

import json
import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from rasa.core.channels.channel import UserMessage  # noqa: E402
from rasa.server import configure_cors  # noqa: E402
from sanic import Sanic  # noqa: E402

from channels.widget import WidgetInput  # noqa: E402


def main() -> None:
    port, origin = int(sys.argv[1]), sys.argv[2]
    app = Sanic("widget_echo")
    configure_cors(app, [origin])
    # Stands in for the loaded model: the channel allows the buttons of its domain.
    raw = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    app.ctx.agent = SimpleNamespace(domain=SimpleNamespace(intents=list(raw["intents"])))
    channel = WidgetInput.from_credentials({})

    async def on_new_message(message: UserMessage) -> None:
        reply = f"echo:{message.sender_id}:{message.text}|{json.dumps(message.metadata)}"
        await message.output_channel.send_text_message(message.sender_id, reply)

    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/widget")
    app.run("127.0.0.1", port, access_log=False)


if __name__ == "__main__":
    main()
