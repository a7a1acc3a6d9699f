"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""

import os

from tracker import create_app

app = create_app(os.environ.get("TRACKER_CONFIG", "production"))
