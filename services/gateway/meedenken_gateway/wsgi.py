"""``gunicorn meedenken_gateway.wsgi:app`` (see gunicorn.conf.py for the worker hooks)."""
from .app import create_app

app = create_app()
