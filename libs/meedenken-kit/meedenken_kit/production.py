"""Start-up checks for production: refuse settings that only make sense on a developer's machine."""
from urllib.parse import urlparse

DEFAULT_BROKER_CREDENTIALS = ("guest", "guest")


def refuse_development_defaults(env, amqp_uri):
    """With MEEDENKEN_ENV=production, RabbitMQ's default guest account is refused (it only works on
    loopback and means nobody chose credentials). Raises SystemExit with the reason."""
    if env != "production":
        return
    parsed = urlparse(amqp_uri or "")
    if (parsed.username or "guest", parsed.password or "guest") == DEFAULT_BROKER_CREDENTIALS:
        raise SystemExit("AMQP_URI must name a broker account of its own in production (not guest/guest).")
