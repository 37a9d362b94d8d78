"""Campaign tags: a link to a topic may carry ``?via=CHANNEL`` (the outreach kit's QR codes, the
share links); the topic page counts such a visit once and sends the browser on to the clean
address (docs/decisions/0012).

Nothing about the visitor is stored. Against repeats, each process keeps in memory a keyed hash
of (client address, user agent, topic, channel) under a random key that changes every day and is
never written anywhere: the same browser counts once per day per process. Crawlers that
announce themselves (link previews of the networks) are not counted."""
import hashlib
import hmac
import logging
import re
import secrets
import threading
from datetime import datetime, timezone

from .abuse import client_address
from .rpc import RpcError

log = logging.getLogger(__name__)

# the channel each printed or shared link names (the topics service knows the same list)
FLYER, POSTER, PRESS = "flyer", "poster", "krant"
SHARE_CHANNELS = ("email", "whatsapp", "facebook", "x", "linkedin")
CHANNELS = (FLYER, POSTER, PRESS, *SHARE_CHANNELS)
CRAWLER = re.compile(r"bot|crawl|spider|preview|facebookexternalhit|whatsapp|slurp|curl|wget|python", re.I)
MAX_REMEMBERED = 200_000  # ~ 10 MB per process; past it the older half is forgotten


class RepeatFilter:
    def __init__(self):
        self._lock = threading.Lock()
        self._day = None
        self._key = b""
        self._seen = {}

    def first_today(self, *parts, today=None):
        """True the first time these parts are seen today (in this process)."""
        today = today or datetime.now(timezone.utc).date()
        with self._lock:
            if today != self._day:
                self._day, self._key, self._seen = today, secrets.token_bytes(32), {}
            digest = hmac.new(self._key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()[:16]
            if digest in self._seen:
                return False
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen = dict(list(self._seen.items())[MAX_REMEMBERED // 2:])
            self._seen[digest] = None
            return True


def countable(channel, user_agent):
    return channel in CHANNELS and bool(user_agent) and not CRAWLER.search(user_agent)


REPEATS = RepeatFilter()


def record_visit(gateway, req, topic_id, channel):
    """Count this visit when its tag is known and it is the browser's first today; a failure to
    count never stops the visit."""
    user_agent = req.get_header("User-Agent") or ""
    if not countable(channel, user_agent):
        return
    if not REPEATS.first_today(client_address(gateway.settings, req) or "", user_agent, topic_id, channel):
        return
    try:
        gateway.rpc.call("topics", "record_campaign_visit", {"topic_id": topic_id, "channel": channel})
    except RpcError as exc:
        log.info("campaign visit not counted: %s", exc)
