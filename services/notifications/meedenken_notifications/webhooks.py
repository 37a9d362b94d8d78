"""Webhook rules, no database and no broker: which events may be delivered, which URLs may be
called (SSRF), the Standard Webhooks signature and the retry schedule."""
import base64
import hashlib
import hmac
import ipaddress
import random
import secrets
import socket
from urllib.parse import urlsplit

# The documented events that carry the organisation (``data.org``), by the service publishing them.
# Only these can be delivered to an organisation's webhooks; the gateway's account events (personal
# data) and events without ``org`` (e.g. statement.response.recorded.v2, follows) cannot.
DELIVERABLE = {
    "topics": ("topic.created.v1", "topic.published.v1", "topic.updated.v1", "topic.phase_changed.v1",
               "topic.decided.v1", "statement.added.v1", "statement.published.v1", "statement.rejected.v1",
               "reaction.posted.v1", "reaction.hidden.v1", "reaction.restored.v1", "agenda_proposal.submitted.v1",
               "agenda_proposal.answered.v1", "solution.proposed.v1", "solution.supported.v1",
               "solution.taken_into_vote.v1", "content.hidden.v1", "content.reinstated.v1", "content.approved.v1"),
    "votes": ("agenda_proposal.threshold_reached.v1", "support.recorded.v1", "ballot.cast.v1", "poll.scheduled.v1",
              "poll.opened.v1", "poll.closed.v1", "poll.cancelled.v1"),
}
DELIVERABLE_TYPES = frozenset(t for types in DELIVERABLE.values() for t in types)
SECRET_PREFIX = "whsec_"
# seconds after the 1st, 2nd, ... failed attempt: 27.6 h in all (more than the 24 h promised)
DEFAULT_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER = 0.1


class RefusedAddress(ValueError):
    """The URL may not be called; the message says why (safe to show)."""


def new_secret():
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret, msg_id, timestamp, body):
    """The ``webhook-signature`` header value of the Standard Webhooks specification."""
    key = base64.b64decode(secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret)
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def parse_schedule(text):
    """``WEBHOOK_RETRY_SCHEDULE``: seconds separated by spaces or commas, e.g. ``5 300 1800``."""
    delays = tuple(float(part) for part in str(text).replace(",", " ").split())
    if not delays or any(delay < 0 for delay in delays):
        raise ValueError(f"not a retry schedule: {text!r}")
    return delays


def retry_delay(failed_attempts, schedule, rand=random.random):
    """Seconds until the next attempt after ``failed_attempts`` failures (with up to 10 % jitter),
    or None when the schedule is exhausted."""
    if failed_attempts > len(schedule):
        return None
    return schedule[failed_attempts - 1] * (1 + JITTER * rand())


def check_url(url, development=False):
    """The URL's parts when it may be registered: https (http only to loopback in development),
    no credentials. Raises RefusedAddress."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress("The URL is not valid.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedAddress("The URL must start with https:// and name a host.")
    if parts.username or parts.password:
        raise RefusedAddress("The URL may not contain credentials.")
    if parts.scheme == "http" and not development:
        raise RefusedAddress("The URL must use https.")
    return parts, port


def resolve(host, port, development=False, getaddrinfo=socket.getaddrinfo):
    """Every address the host resolves to, each checked; raises RefusedAddress when any is not
    public (loopback allowed in development). Deliveries connect to these, not to the name again."""
    try:
        infos = getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise RefusedAddress(f"The host {host} cannot be resolved.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise RefusedAddress(f"The host {host} cannot be resolved.")
    for address in addresses:
        if not allowed_address(address, development):
            raise RefusedAddress(f"The host {host} resolves to an address that is not public ({address}).")
    return addresses


def allowed_address(address, development=False):
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour
    if ip.is_loopback:
        return development
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private)


def check_http_target(url, development=False, getaddrinfo=socket.getaddrinfo):
    """``(parts, port, addresses)`` of a URL that may be called now."""
    parts, port = check_url(url, development)
    addresses = resolve(parts.hostname, port, development, getaddrinfo)
    if parts.scheme == "http" and not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise RefusedAddress("The URL must use https (http only to this machine, in development).")
    return parts, port, addresses
