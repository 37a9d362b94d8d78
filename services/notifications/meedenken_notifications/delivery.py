"""Sending webhooks: a managed thread of the notifications service that posts what is due, and the
HTTP client that connects to the address it checked (not to the name resolved again: DNS
rebinding) while sending the host name as SNI and Host."""
import http.client
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass

import eventlet
from meedenken_kit.store import Store
from nameko import config
from nameko.extensions import DependencyProvider

from . import repository as repo, webhook_usecases, webhooks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    schedule: tuple
    disable_after: int
    timeout: float
    development: bool


def settings():
    return Settings(
        schedule=webhooks.parse_schedule(config.get("WEBHOOK_RETRY_SCHEDULE")
                                         or " ".join(map(str, webhooks.DEFAULT_SCHEDULE))),
        disable_after=int(config.get("WEBHOOK_DISABLE_AFTER", 5)),
        timeout=float(config.get("WEBHOOK_TIMEOUT_SECONDS", 10)),
        development=config.get("MEEDENKEN_ENV", "development") == "development")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, headers, body, development, timeout, getaddrinfo=socket.getaddrinfo):
    """(status, None) or (None, why): checks the URL's addresses again, then POSTs to the first one
    without following redirects."""
    try:
        parts, port, addresses = webhooks.check_http_target(url, development, getaddrinfo)
    except webhooks.RefusedAddress as exc:
        return None, str(exc)
    connection_class = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = connection_class(parts.hostname, port, addresses[0], timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        with eventlet.Timeout(timeout):
            connection.request("POST", path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)
            return response.status, None
    except (OSError, http.client.HTTPException, eventlet.Timeout) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    finally:
        connection.close()


def signed_headers(delivery, secret, now=time.time):
    timestamp = str(int(now()))
    return {"webhook-id": delivery["event_id"], "webhook-timestamp": timestamp,
            "webhook-signature": webhooks.sign(secret, delivery["event_id"], timestamp, delivery["body"]),
            "content-type": "application/json", "user-agent": "Meedenken-Webhooks/1"}


class WebhookDelivery(DependencyProvider):
    """Looks every ``WEBHOOK_POLL_SECONDS`` (default 1) for due deliveries and sends up to ten at once;
    every instance runs one."""

    def setup(self):
        self.store = next(d for d in self.container.extensions if isinstance(d, Store))
        self.settings = settings()
        self.interval = float(config.get("WEBHOOK_POLL_SECONDS", 1.0))
        self.pool = eventlet.GreenPool(10)  # a slow endpoint does not hold up the others
        self._stop = threading.Event()

    def start(self):
        repo.ensure_webhook_indexes(self.store.db)
        self.container.spawn_managed_thread(self.run, identifier="webhook-delivery")

    def send(self, delivery, webhook):
        return post(webhook["url"], signed_headers(delivery, webhook["secret"]), delivery["body"],
                    self.settings.development, self.settings.timeout)

    def run(self):
        while not self._stop.wait(self.interval):
            try:
                while webhook_usecases.deliver_due(self.store.get_dependency(None), self.send, self.settings,
                                                   each=self.pool.imap):
                    self.store.relay.wake()
            except Exception:  # the database away, say: look again at the next tick
                log.exception("webhook delivery failed; trying again")

    def stop(self):
        self._stop.set()

    def kill(self):
        self._stop.set()
