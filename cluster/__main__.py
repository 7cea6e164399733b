"""``make cluster``: start the cluster (see :mod:`cluster`) and stop everything on Ctrl-C."""

from __future__ import annotations

import signal
import sys
import time

from cluster.config import ClusterConfig
from cluster.runner import Cluster


def main() -> int:
    """Start, print the addresses, watch the application servers until Ctrl-C or one dies."""
    from components.model_info import spacy_model_info

    print("spaCy model:", spacy_model_info()["label"])
    config = ClusterConfig.from_env()
    cluster = Cluster(config)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    print(f"Starting {len(config.rasa_ports)} Rasa and {len(config.actions_ports)} action servers "
          f"on PostgreSQL :{config.postgres_port} and Redis :{config.redis_port} "
          f"(data in {config.data_dir})...", flush=True)
    try:
        cluster.start()
        print(f"\n  Balancer (REST, widget, API): {config.public_url}/webhooks/rest/webhook")
        print(f"  Rasa processes:               {', '.join(config.rasa_urls)}")
        print(f"  Action servers (balanced):    http://127.0.0.1:{config.actions_lb_port}/webhook")
        print("  Website + widget and agent console: as with `make run` (WEB_PORT, CONSOLE_PORT)")
        print(f"  Logs: {cluster.logs}")
        print("  Press Ctrl-C to stop.\n", flush=True)
        while True:
            dead = [s for s in cluster.servers() if s.process.poll() is not None]
            if dead:
                print(f"{dead[0].name} exited with {dead[0].process.returncode}:\n{dead[0].log_tail(20)}",
                      file=sys.stderr)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C must not leave PostgreSQL or Redis behind: stopping is not interruptible.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("\nStopping...", flush=True)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
