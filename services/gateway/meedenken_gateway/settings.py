"""The gateway's configuration: environment variables only, read here and nowhere else
(docs/ops.md has the table)."""
import base64
import os
from dataclasses import dataclass

from meedenken_kit.mail import SmtpSettings
from meedenken_kit.production import refuse_development_defaults

from .abuse import limits_from

DEV_SECRET = "dev-only-secret-change-me"
DEV_MONGO_URI = "mongodb://127.0.0.1:27017/?directConnection=true&retryWrites=false"


@dataclass(frozen=True)
class Settings:
    env: str
    port: int
    amqp_uri: str
    mongo_uri: str
    mongo_db: str
    secret_key: str
    token_ttl_seconds: int
    rpc_timeout: float
    public_url: str
    vote_partitions: int
    rate_limits: dict = None
    trusted_proxies: tuple = ()
    metrics_dir: str = None
    cors_origins: tuple = ()
    totp_key: str = None
    smtp: SmtpSettings = SmtpSettings()
    erasure_services: tuple = ("topics", "votes", "notifications")
    inactive_account_days: int = 365

    @classmethod
    def from_env(cls, environ=None):
        e = os.environ if environ is None else environ
        settings = cls(
            env=e.get("MEEDENKEN_ENV", "development"),
            port=int(e.get("PORT", "8000")),
            amqp_uri=e.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
            mongo_uri=e.get("MONGO_URI", DEV_MONGO_URI),
            mongo_db=e.get("MONGO_DB", "meedenken_gateway"),
            secret_key=e.get("SECRET_KEY", DEV_SECRET),
            token_ttl_seconds=int(e.get("TOKEN_TTL_SECONDS", str(8 * 3600))),
            rpc_timeout=float(e.get("RPC_TIMEOUT_SECONDS", "10")),
            public_url=e.get("PUBLIC_URL", f"http://127.0.0.1:{e.get('PORT', '8000')}"),
            vote_partitions=int(e.get("VOTE_PARTITIONS", "4")),
            rate_limits=limits_from(e.get("RATE_LIMITS")),
            trusted_proxies=tuple(p.strip() for p in e.get("TRUSTED_PROXIES", "").split(",") if p.strip()),
            # prometheus-client's multiprocess directory; gunicorn_conf.py sets it for every run
            metrics_dir=e.get("PROMETHEUS_MULTIPROC_DIR") or None,
            # other sites whose scripts may call the API (exact origins); none by default
            cors_origins=tuple(o.strip() for o in e.get("CORS_ORIGINS", "").split(",") if o.strip()),
            # the key of the stored TOTP secrets (32 bytes, base64); derived from SECRET_KEY when not set
            totp_key=e.get("TOTP_KEY") or None,
            # the account mails (password reset, e-mail address links) go out over this SMTP server
            smtp=SmtpSettings.from_mapping(e.get),
            # the services that hold personal data: each must confirm an account's erasure
            erasure_services=tuple(s.strip() for s in e.get("ERASURE_SERVICES", "topics,votes,notifications")
                                   .split(",") if s.strip()),
            # `meedenken erase-inactive` erases accounts without role or verified residency unused this long
            inactive_account_days=int(e.get("INACTIVE_ACCOUNT_RETENTION_DAYS", "365")),
        )
        if settings.totp_key and len(_base64_or_empty(settings.totp_key)) != 32:
            raise SystemExit("TOTP_KEY must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).")
        if settings.env == "production" and (settings.secret_key == DEV_SECRET or len(settings.secret_key) < 32):
            raise SystemExit("SECRET_KEY must be set to a random value of 32+ characters in production.")
        refuse_development_defaults(settings.env, settings.amqp_uri)
        return settings


def _base64_or_empty(text):
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        return b""
