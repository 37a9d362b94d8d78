"""The WSGI app factory: one ``Gateway`` per process holds the settings, the RPC client, the
gateway's own database and its outbox relay, all created lazily after gunicorn forks."""
import logging
import threading

import falcon
from kombu import Connection
from pymongo.errors import PyMongoError
from meedenken_kit.mongo import connect, ping
from meedenken_kit.outbox import OutboxRelay, ensure_outbox_indexes

from meedenken_kit.partitioned import PackingPublisher, PartitionedQueue

from . import abuse, accounts, ambassadors, erasure, headers, openapi, problems, ratelimit, residency, twofactor, web
from .api import ROUTES
from .cache import TTLCache
from .observability import RequestObserver
from .routing import mount
from .rpc import RpcClient
from .settings import Settings

log = logging.getLogger(__name__)


class Gateway:
    """``send_mail``: this process sends the gateway's queued mail (the served app does; the CLI and
    scripts, which may exit at any moment, leave it to the app)."""

    def __init__(self, settings, send_mail=False):
        self.settings = settings
        self.send_mail = send_mail
        self._lock = threading.Lock()
        self._rpc = None
        self._mongo = None
        self._db = None
        self._relay = None
        self._relay_stop = threading.Event()
        self._ballots = None
        self.openapi = openapi.build(ROUTES)
        # accounts behind tokens: a role change or removal takes effect within this many seconds
        self.accounts = TTLCache(seconds=30)
        # organisations that require two-factor login of their officials (a change takes this long)
        self.two_factor_policy = TTLCache(seconds=30)
        # whether a statement can be answered (its phase): checked with topics at most this often
        self.answerable = TTLCache(seconds=5)
        # what a support needs of an agenda proposal: asked of topics at most this often
        self.supportable = TTLCache(seconds=5)
        self.totp_cipher = twofactor.secret_cipher(settings)

    @property
    def rpc(self):
        if self._rpc is None:
            with self._lock:
                if self._rpc is None:
                    self._rpc = RpcClient(self.settings.amqp_uri, timeout=self.settings.rpc_timeout)
        return self._rpc

    @property
    def mongo(self):
        if self._mongo is None:
            with self._lock:
                if self._mongo is None:
                    client = connect(self.settings.mongo_uri, app_name="meedenken-gateway")
                    db = client[self.settings.mongo_db]
                    accounts.ensure_indexes(db)
                    ambassadors.ensure_indexes(db)
                    residency.ensure_indexes(db)
                    ratelimit.ensure_indexes(db)
                    abuse.ensure_indexes(db)
                    ensure_outbox_indexes(db)
                    self._relay = OutboxRelay(db, "gateway", self.settings.amqp_uri)
                    threading.Thread(target=self._relay.run, args=(self._relay_stop,), name="outbox-relay",
                                     daemon=True).start()
                    if self.send_mail:
                        mailer = accounts.mail_queue(db, self.settings.smtp)
                        mailer.ensure_indexes()
                        threading.Thread(target=mailer.run, name="mail-sender", daemon=True, args=(
                            self._relay_stop, accounts.mail_composer(self.settings.smtp))).start()
                    confirmations = erasure.Confirmations(client, db, self.settings.amqp_uri,
                                                          self.settings.erasure_services)
                    threading.Thread(target=confirmations.run, args=(self._relay_stop,),
                                     name="erasure-confirmations", daemon=True).start()
                    revocations = erasure.Revocations(self.settings.amqp_uri, self.accounts)
                    threading.Thread(target=revocations.run, args=(self._relay_stop,),
                                     name="account-revocations", daemon=True).start()
                    self._db = db
                    self._mongo = client
        return self._mongo

    @property
    def ballots(self):
        """Answers to statements go to the votes service's partitioned queue (votes declares it)."""
        if self._ballots is None:
            with self._lock:
                if self._ballots is None:
                    self._ballots = PackingPublisher(
                        self.settings.amqp_uri, PartitionedQueue("votes.answers", self.settings.vote_partitions),
                        declare=False)
        return self._ballots

    @property
    def db(self):
        """Made once: pymongo makes a new Database object at every ``client[name]`` (3-4 % of the
        gateway's CPU for an answer, which reads it for the abuse limits)."""
        if self._db is None:
            self.mongo
        return self._db

    @property
    def relay(self):
        self.mongo
        return self._relay

    def authenticate(self, req):
        """The account a valid bearer token names, None when there is no Authorization header.
        A present but invalid or expired token is an error, not an anonymous call."""
        header = req.get_header("Authorization")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        account = self.account_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if account is None:
            raise problems.Problem(401, "The token is invalid or has expired; log in again.")
        return account

    def account_for_token(self, token, cached=True):
        """The API caches accounts for 30 s per process: a revocation takes effect at once in the
        process that made it (it forgets the account) and within 30 s in the others."""
        def load(account_id):
            if not cached:
                return accounts.get(self.db, account_id)
            return self.accounts.get_or_load(account_id, lambda: accounts.get(self.db, account_id))
        return accounts.account_for_token(self.settings, token, load)

    def roles_of(self, account):
        """The roles the services may see (twofactor.effective_roles)."""
        if twofactor.enabled(account) or not twofactor.may_enrol(account):
            return account.get("roles", {})
        required = self.two_factor_policy.get_or_load("orgs", lambda: twofactor.requiring_orgs(self.db))
        return twofactor.effective_roles(account, required)

    def readiness(self):
        try:
            checks = {"database": "ok" if ping(self.mongo) else "unreachable"}
        except PyMongoError:  # not even connected yet (indexes are made on first connect)
            checks = {"database": "unreachable"}
        try:
            with Connection(self.settings.amqp_uri, connect_timeout=2) as connection:
                connection.ensure_connection(max_retries=1)
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "unreachable"
        return checks

    def close(self):
        self._relay_stop.set()
        if self._relay is not None:
            self._relay.wake()
        if self._rpc is not None:
            self._rpc.close()
        if self._ballots is not None:
            self._ballots.close()
        if self._mongo is not None:
            self._mongo.close()


class GatewayApp(falcon.App):
    """falcon's App with the process's ``gateway`` attached (for gunicorn's worker_exit hook)."""

    gateway = None


def create_app(settings=None):
    gateway = Gateway(settings or Settings.from_env(), send_mail=True)
    app = GatewayApp(media_type=falcon.MEDIA_JSON,
                     middleware=[RequestObserver(), *headers.middleware(gateway.settings), abuse.AbuseLimits(gateway)])
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.auto_parse_form_urlencoded = False
    problems.install(app)
    mount(app, gateway, ROUTES)
    web.mount(app, gateway)
    app.gateway = gateway
    return app
