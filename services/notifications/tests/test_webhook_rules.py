"""Webhook rules (meedenken_notifications.webhooks) and the sender's address check, with a stubbed
resolver: no traffic to any address."""
import json
import socket
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from meedenken_notifications import delivery, webhooks
from meedenken_notifications.webhooks import RefusedAddress

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "events" / "schemas"


def resolver(*addresses):
    def getaddrinfo(host, port, type=0):
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]
    return getaddrinfo


def no_dns(host, port, type=0):
    raise AssertionError("resolved a name")


@pytest.mark.parametrize("address", [
    "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "169.254.0.1", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "240.0.0.1", "255.255.255.255", "fd00::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "2002:0a00:0001::1", "::", "192.0.2.1", "127.0.0.1", "::1"])
def test_addresses_that_are_not_public_are_refused(address):
    assert not webhooks.allowed_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert webhooks.allowed_address(address)


def test_loopback_only_in_development():
    assert webhooks.allowed_address("127.0.0.1", development=True)
    assert webhooks.allowed_address("::1", development=True)
    assert not webhooks.allowed_address("10.0.0.1", development=True)


def test_a_name_resolving_to_one_private_address_among_public_ones_is_refused():
    with pytest.raises(RefusedAddress, match="not public"):
        webhooks.check_http_target("https://hooks.example.org/x", getaddrinfo=resolver("93.184.216.34", "10.1.2.3"))


def test_a_name_resolving_to_the_metadata_address_is_refused():
    with pytest.raises(RefusedAddress, match="169.254.169.254"):
        webhooks.check_http_target("https://metadata.example.org/", getaddrinfo=resolver("169.254.169.254"))


def test_a_public_https_url_gives_the_checked_addresses():
    parts, port, addresses = webhooks.check_http_target("https://hooks.example.org:8443/in?a=1",
                                                        getaddrinfo=resolver("93.184.216.34"))
    assert (parts.hostname, port, addresses) == ("hooks.example.org", 8443, ["93.184.216.34"])


@pytest.mark.parametrize("url, why", [
    ("http://hooks.example.org/", "https"),
    ("ftp://hooks.example.org/", "https"),
    ("https://user:pw@hooks.example.org/", "credentials"),
    ("https:///nohost", "https"),
    ("https://hooks.example.org:99999/", "not valid"),
])
def test_urls_refused_before_resolving(url, why):
    with pytest.raises(RefusedAddress, match=why):
        webhooks.check_http_target(url, getaddrinfo=no_dns)


def test_http_only_to_loopback_in_development():
    webhooks.check_http_target("http://localhost:9/", development=True, getaddrinfo=resolver("127.0.0.1"))
    with pytest.raises(RefusedAddress, match="https"):
        webhooks.check_http_target("http://hooks.example.org/", development=True,
                                   getaddrinfo=resolver("93.184.216.34"))
    with pytest.raises(RefusedAddress, match="https"):
        webhooks.check_http_target("http://localhost:9/", getaddrinfo=no_dns)
    with pytest.raises(RefusedAddress, match="not public"):
        webhooks.check_http_target("https://localhost:9/", getaddrinfo=resolver("127.0.0.1"))


def test_an_unresolvable_host_is_refused():
    def fails(host, port, type=0):
        raise socket.gaierror("no such name")
    with pytest.raises(RefusedAddress, match="cannot be resolved"):
        webhooks.check_http_target("https://nowhere.invalid/", getaddrinfo=fails)


def test_the_sender_checks_again_and_sends_nothing_to_a_refused_address():
    status, error = delivery.post("https://rebound.example.org/", {}, "{}", False, 1,
                                  getaddrinfo=resolver("10.0.0.7"))
    assert status is None and "not public" in error


def test_the_signature_verifies_with_the_standardwebhooks_library():
    secret = webhooks.new_secret()
    assert secret.startswith("whsec_") and len(secret) >= len("whsec_") + 32
    body = json.dumps({"id": "e1", "data": {"org": "x", "title": "Zwembad ‘De Kuil’"}}, ensure_ascii=False)
    headers = delivery.signed_headers({"event_id": "e1", "body": body}, secret)
    assert headers["webhook-id"] == "e1" and headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(Exception):
        Webhook(webhooks.new_secret()).verify(body, headers)


def test_the_signature_by_hand():
    # from the Standard Webhooks specification's example
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    assert webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_retry_schedule_covers_a_day_with_jitter_and_ends():
    schedule = webhooks.DEFAULT_SCHEDULE
    assert sum(schedule) >= 24 * 3600
    assert webhooks.retry_delay(1, schedule, rand=lambda: 0) == 5
    assert webhooks.retry_delay(2, schedule, rand=lambda: 1) == pytest.approx(330)
    assert webhooks.retry_delay(len(schedule) + 1, schedule) is None
    assert webhooks.parse_schedule("1, 2 3") == (1, 2, 3)
    with pytest.raises(ValueError):
        webhooks.parse_schedule("")


def test_deliverable_types_are_documented_events_that_carry_the_organisation():
    for source, types in webhooks.DELIVERABLE.items():
        for event_type in types:
            schema = json.loads((SCHEMAS / f"{event_type}.json").read_text())
            assert schema["properties"]["source"]["const"] == f"/meedenken/{source}"
            assert "org" in schema["properties"]["data"]["required"], event_type
