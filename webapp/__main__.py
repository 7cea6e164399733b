"""``python -m webapp``: serve the demo page and widget on 127.0.0.1:8080 (WEB_HOST/WEB_PORT)."""

from webapp.server import main

if __name__ == "__main__":
    raise SystemExit(main())
