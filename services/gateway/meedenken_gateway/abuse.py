"""Limits against abuse: how often one account, and one client address, may register, log in,
post, answer, support and vote (docs/ops.md, "Abuse limits"). Counted in the gateway's database
(``ratelimit``), so all workers and instances share them; over a limit the answer is 429 with
``Retry-After``, as problem+json for the API and as an error page for the web.

Failed logins are counted per e-mail address, whether an account has it or not (so the answers
do not tell which addresses have accounts): after ``LOGIN_FREE_FAILURES`` the next try must wait
twice as long as the one before, up to ``LOGIN_MAX_DELAY_SECONDS``; a successful login clears it.

``RATE_LIMITS`` (environment) overrides limits: ``name=per_account/per_address/window_seconds``
separated by commas, e.g. ``post=30/120/600,answer=600/0/60``; 0 switches one side off."""
import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from . import accounts
from .problems import Problem
from .ratelimit import BatchedRateLimit, RateLimit


@dataclass(frozen=True)
class Limit:
    name: str
    per_account: int
    per_address: int
    window_seconds: int
    counter: type = RateLimit

    def hit(self, db, account_id, address):
        if self.per_account and account_id:
            self.counter(f"{self.name}:account", self.per_account, self.window_seconds).hit(db, account_id)
        if self.per_address and address:
            self.counter(f"{self.name}:address", self.per_address, self.window_seconds).hit(db, address)


DEFAULTS = {
    "register": Limit("register", 0, 10, 3600),
    "login": Limit("login", 20, 60, 900),
    "post": Limit("post", 30, 300, 600),        # reactions, statements, solutions, agenda proposals
    # counted in the process and flushed in batches (ratelimit.BatchedRateLimit): one counter write
    # per answer cost the hot path two thirds of its throughput (bench/README.md). Not per address:
    # a town hall's wifi answers for many people, and an answer is stored once per citizen anyway
    "answer": Limit("answer", 300, 0, 60, BatchedRateLimit),
    "support": Limit("support", 120, 5000, 60),
    "ballot": Limit("ballot", 30, 3000, 60),
    # the data export asks every service for everything about one account
    "export": Limit("export", 5, 30, 3600),
}

# (method, route template) -> limit name, for the API and the web pages alike
ROUTES = {
    ("POST", "/api/v1/auth/register"): "register", ("POST", "/registreren"): "register",
    ("POST", "/api/v1/auth/login"): "login", ("POST", "/inloggen"): "login",
    # everything else that tries a password, a code or a link
    ("POST", "/api/v1/auth/password-reset"): "login", ("POST", "/wachtwoord-vergeten"): "login",
    ("POST", "/api/v1/auth/password-reset/confirm"): "login", ("POST", "/wachtwoord-herstellen"): "login",
    ("POST", "/api/v1/auth/email-change/confirm"): "login", ("POST", "/e-mailadres-bevestigen"): "login",
    ("POST", "/api/v1/auth/email-confirm"): "login", ("POST", "/e-mailadres-controleren"): "login",
    ("POST", "/api/v1/me/password"): "login", ("POST", "/profiel/wachtwoord"): "login",
    ("POST", "/api/v1/me/email"): "login", ("POST", "/profiel/e-mailadres"): "login",
    ("POST", "/api/v1/me/two-factor/confirm"): "login", ("POST", "/tweestapsverificatie"): "login",
    ("POST", "/api/v1/topics/{topic_id}/reactions"): "post", ("POST", "/onderwerpen/{topic_id}/reacties"): "post",
    ("POST", "/api/v1/topics/{topic_id}/statements"): "post", ("POST", "/onderwerpen/{topic_id}/stellingen"): "post",
    ("POST", "/api/v1/topics/{topic_id}/solutions"): "post", ("POST", "/onderwerpen/{topic_id}/oplossingen"): "post",
    ("POST", "/api/v1/agenda-proposals"): "post", ("POST", "/organisaties/{slug}/agendapunten/nieuw"): "post",
    ("POST", "/api/v1/reports"): "post", ("POST", "/melden/{kind}/{item_id}"): "post",
    ("POST", "/api/v1/moderation/{kind}/{item_id}/objection"): "post",
    ("POST", "/moderatie/{kind}/{item_id}/bezwaar"): "post",
    ("PUT", "/api/v1/statements/{statement_id}/response"): "answer",
    ("POST", "/stellingen/{statement_id}/antwoord"): "answer",
    ("POST", "/api/v1/agenda-proposals/{proposal_id}/support"): "support",
    ("POST", "/agendapunten/{proposal_id}/steunen"): "support",
    ("POST", "/api/v1/solutions/{solution_id}/support"): "support",
    ("DELETE", "/api/v1/solutions/{solution_id}/support"): "support",
    ("POST", "/oplossingen/{solution_id}/steunen"): "support",
    ("PUT", "/api/v1/polls/{poll_id}/ballot"): "ballot", ("POST", "/stemmingen/{poll_id}/stem"): "ballot",
    ("GET", "/api/v1/me/export"): "export", ("GET", "/profiel/gegevens"): "export",
}

LOGIN_FREE_FAILURES = 5
LOGIN_FIRST_DELAY_SECONDS = 2
LOGIN_MAX_DELAY_SECONDS = 900
LOGIN_FAILURES_KEPT = timedelta(hours=1)


def limits_from(text):
    """The limits with ``RATE_LIMITS`` applied; a bad value stops the gateway at start."""
    limits = dict(DEFAULTS)
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, values = item.partition("=")
        try:
            per_account, per_address, window = (int(v) for v in values.split("/"))
            if name not in DEFAULTS or min(per_account, per_address) < 0 or window < 1:
                raise ValueError
        except ValueError:
            raise SystemExit(f"RATE_LIMITS: '{item}' is not name=per_account/per_address/window_seconds "
                             f"with a name from {sorted(DEFAULTS)}") from None
        limits[name] = Limit(name, per_account, per_address, window, DEFAULTS[name].counter)
    return limits


class AbuseLimits:
    """Falcon middleware: counts the limited routes before they run."""

    def __init__(self, gateway):
        self.gateway = gateway

    def process_resource(self, req, resp, resource, params):
        name = ROUTES.get((req.method, req.uri_template))
        if name is None:
            return
        limit = self.gateway.settings.rate_limits[name]
        try:
            limit.hit(self.gateway.db, self._account_id(req), self._address(req))
        except Problem as problem:
            render = getattr(resource, "render_problem", None)
            if render is None:
                raise
            render(req, resp, problem)  # a web page: an error page, not JSON
            resp.complete = True

    def _address(self, req):
        return client_address(self.gateway.settings, req)

    def _account_id(self, req):
        """Who calls, from the bearer token or the session cookie (no database read)."""
        header = req.get_header("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            from .web import session  # the web package imports this module's neighbours, not this one
            values = req.get_cookie_values(session.SESSION)
            token = values[0] if values else None
        return accounts.account_id_from_token(self.gateway.settings, token.strip()) if token else None


def client_address(settings, req):
    """The TCP peer; behind a trusted proxy (``TRUSTED_PROXIES``) the address that proxy added
    last to ``X-Forwarded-For`` (what a client writes there itself comes before it)."""
    trusted = settings.trusted_proxies
    forwarded = req.get_header("X-Forwarded-For")
    if forwarded and ("*" in trusted or req.remote_addr in trusted):
        return forwarded.split(",")[-1].strip() or req.remote_addr
    return req.remote_addr
def failures_key(email):
    """Failed logins are counted under a hash of the address typed, not the address itself."""
    return hashlib.sha256(f"login-failures:{accounts.normalise_email(email)}".encode()).hexdigest()


def login(db, email, password):
    """``accounts.authenticate`` with the delay after failed logins for this address."""
    before_login(db, email)
    account = accounts.authenticate(db, email, password)
    after_login(db, email, account is not None)
    return account


def before_login(db, email, now=None):
    """Refuse (429) a login for this address while its delay after failed logins runs."""
    now = now or datetime.now(timezone.utc)
    record = db.login_failures.find_one({"_id": failures_key(email)})
    if not record or record["failures"] < LOGIN_FREE_FAILURES:
        return
    delay = min(LOGIN_MAX_DELAY_SECONDS, LOGIN_FIRST_DELAY_SECONDS * 2 ** (record["failures"] - LOGIN_FREE_FAILURES))
    last = record["last_at"].replace(tzinfo=timezone.utc) if record["last_at"].tzinfo is None else record["last_at"]
    wait = (last + timedelta(seconds=delay) - now).total_seconds()
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        raise Problem(429, f"Too many failed logins for this address; try again in {retry_after} seconds.",
                      headers={"Retry-After": str(retry_after)})


def after_login(db, email, succeeded, now=None):
    key = failures_key(email)
    if succeeded:
        db.login_failures.delete_one({"_id": key})
        db.accounts.update_one({"email": accounts.normalise_email(email)}, {"$set": {"last_login_at": now or datetime.now(timezone.utc)}})
        return
    now = now or datetime.now(timezone.utc)
    db.login_failures.update_one({"_id": key}, {"$inc": {"failures": 1},
                                                "$set": {"last_at": now, "expires_at": now + LOGIN_FAILURES_KEPT}},
                                 upsert=True)


def ensure_indexes(db):
    db.login_failures.create_index("expires_at", expireAfterSeconds=0)
