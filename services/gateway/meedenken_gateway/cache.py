"""The gateway's per-process caches: the kit's TTL cache."""
from meedenken_kit.cache import TTLCache  # noqa: F401
