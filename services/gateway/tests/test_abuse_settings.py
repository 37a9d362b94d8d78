"""RATE_LIMITS overrides the default abuse limits; a bad value stops the gateway at start."""
import pytest

from meedenken_gateway.abuse import DEFAULTS, Limit, limits_from
from meedenken_gateway.ratelimit import BatchedRateLimit


def test_defaults_without_a_setting():
    assert limits_from(None) == DEFAULTS and limits_from("") == DEFAULTS


def test_an_override_replaces_one_limit():
    limits = limits_from("post=5/0/60, answer=10/20/30")
    assert limits["post"] == Limit("post", 5, 0, 60)
    assert limits["answer"] == Limit("answer", 10, 20, 30, BatchedRateLimit)  # an override keeps the counting
    assert limits["register"] == DEFAULTS["register"]


@pytest.mark.parametrize("bad", ["post=5/60", "spam=1/1/1", "post=-1/1/60", "post=1/1/0", "post=a/b/c"])
def test_a_bad_setting_stops_the_gateway(bad):
    with pytest.raises(SystemExit):
        limits_from(bad)
