"""The per-process TTL cache (meedenken_kit.cache): no broker, no database, no clock waits."""
from meedenken_kit.cache import TTLCache


def test_a_value_is_loaded_once_while_it_lives_and_again_once_it_expired():
    loads = []
    living, expired = TTLCache(seconds=3600), TTLCache(seconds=0)
    for cache in (living, expired):
        for _ in range(3):
            assert cache.get_or_load("k", lambda: loads.append(cache) or "v") == "v"
    assert loads.count(living) == 1 and loads.count(expired) == 3


def test_forget_and_the_bound_on_items():
    cache = TTLCache(seconds=3600, max_items=2)
    cache.get_or_load("a", lambda: 1)
    cache.forget("a")
    assert cache.get_or_load("a", lambda: 2) == 2
    cache.get_or_load("b", lambda: 3)
    cache.get_or_load("c", lambda: 4)  # full: starts over
    assert cache.get_or_load("a", lambda: 5) == 5
