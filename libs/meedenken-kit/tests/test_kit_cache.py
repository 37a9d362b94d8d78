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


def test_callers_that_miss_while_a_load_runs_wait_for_it_instead_of_loading_again():
    import threading
    cache, loads, release = TTLCache(seconds=3600), [], threading.Event()

    def slow_load():
        loads.append(1)
        release.wait(5)
        return "v"
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_load("k", slow_load))) for _ in range(8)]
    for thread in threads:
        thread.start()
    while not loads:
        pass
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == ["v"] * 8 and loads == [1]


def test_a_failed_load_fails_its_waiters_and_the_next_caller_loads_again():
    cache = TTLCache(seconds=3600)

    def failing():
        raise RuntimeError("database away")
    try:
        cache.get_or_load("k", failing)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the load's error reaches the caller")
    assert cache.get_or_load("k", lambda: "v") == "v"


def test_a_value_forgotten_while_it_loads_is_not_kept():
    cache = TTLCache(seconds=3600)
    assert cache.get_or_load("k", lambda: cache.forget("k") or "old") == "old"
    assert cache.get_or_load("k", lambda: "new") == "new"
