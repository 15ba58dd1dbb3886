"""Entry point for gunicorn: `gunicorn -w 4 wsgi:app` (run `flask db upgrade` once before)."""

from app import create_app
from config import ProductionConfig

app = create_app(ProductionConfig)
