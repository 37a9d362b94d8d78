"""Limits against abuse, on a gateway of their own (low limits, short windows) beside the session's
platform: over a limit the API answers 429 problem+json with Retry-After and the web an error
page; the counts are shared by the gateway's workers (kept in the database) and reset with their
window; failed logins for one address get a growing delay, the same for an address with or
without an account."""
import time
import uuid

import pytest
import requests

from conftest import Api, clear_of_window_end
from meedenken_gateway.ratelimit import FLUSH_SECONDS
from journey import PASSWORD, register_and_login
from stack import BIN, ROOT, free_port, wait_for

NOWHERE = "0" * 24
REGISTER_WINDOW = 8  # seconds: long enough for four registrations on a loaded machine
WINDOW = 600  # seconds, of the post and answer limits
LIMITS = f"register=0/3/{REGISTER_WINDOW},post=2/100/{WINDOW},answer=3/0/{WINDOW},support=0/0/60,ballot=0/0/60,login=0/1000/900"


@pytest.fixture(scope="module")
def limited(platform):
    port = free_port()
    env = {**platform.env("gateway"), "PORT": str(port), "RATE_LIMITS": LIMITS, "GATEWAY_WORKERS": "2",
           "TRUSTED_PROXIES": "127.0.0.1"}
    platform.processes.start("gateway-limited", [str(BIN / "gunicorn"), "-c", str(ROOT / "services/gateway/meedenken_gateway/gunicorn_conf.py"),
                                                 "meedenken_gateway.wsgi:app"], env=env)
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return requests.get(url + "/readyz", timeout=2).status_code == 200
        except requests.RequestException:
            return False
    wait_for(ready, 60, "the limited gateway")
    yield Api(url)
    platform.processes.stop("gateway-limited")


def too_many(answer):
    assert answer.status_code == 429, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert int(answer.headers["Retry-After"]) >= 1
    return int(answer.headers["Retry-After"])


def register(api, n, forwarded_for=None):
    return api.post("/api/v1/auth/register", {"email": f"limiet-{n}-{uuid.uuid4().hex[:8]}@example.nl",
                                              "password": PASSWORD, "display_name": f"Limiet {n}"},
                    headers={"X-Forwarded-For": forwarded_for} if forwarded_for else {})


def in_one_window(steps, window=REGISTER_WINDOW, tries=5):
    """Run ``steps()`` within one rate-limit window (a loaded machine may let one roll over:
    then the whole sequence is tried again in the next window)."""
    for _ in range(tries):
        clear_of_window_end(window, needed=window)
        started = time.time() // window
        result = steps()
        if time.time() // window == started:
            return result
    pytest.fail("no window was long enough for the sequence on this machine")


def test_registration_per_address_is_limited_and_resets_with_its_window(limited):
    statuses, fourth = in_one_window(lambda: ([register(limited, n).status_code for n in range(3)],
                                              register(limited, 3)))
    assert statuses == [201, 201, 201]
    time.sleep(too_many(fourth))
    assert register(limited, 4).status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_address_counts(limited):
    # a client's own X-Forwarded-For entry comes first; the proxy's last entry is the address
    def sequence():
        first = [register(limited, n, f"10.9.9.9, 192.0.2.1").status_code for n in range(3)]
        return first, register(limited, 3, "203.0.113.5, 192.0.2.1"), register(limited, 4, "10.9.9.9, 192.0.2.2")
    first, fourth, other = in_one_window(sequence)
    assert first == [201] * 3
    too_many(fourth)
    assert other.status_code == 201


def test_posting_is_limited_per_account_and_counted_across_workers(limited, api):
    _, token = register_and_login(api, "Veelschrijver", f"veel-{uuid.uuid4().hex[:8]}@example.nl")
    topic = NOWHERE  # attempts count, whatever their outcome (and these leave nothing behind)
    clear_of_window_end(WINDOW)
    # two workers answer these, one count holds
    first = [limited.post(f"/api/v1/topics/{topic}/reactions", {"body": "Een reactie van mij."}, token=token)
             for _ in range(2)]
    assert all(a.status_code != 429 for a in first)
    too_many(limited.post(f"/api/v1/topics/{topic}/reactions", {"body": "Nog een."}, token=token))
    # another account is not held back
    _, other = register_and_login(api, "Ander", f"ander-{uuid.uuid4().hex[:8]}@example.nl")
    assert limited.post(f"/api/v1/topics/{topic}/reactions", {"body": "Ik ook."}, token=other).status_code != 429


def test_answers_are_limited_per_account(limited, api):
    _, token = register_and_login(api, "Snelle stemmer", f"snel-{uuid.uuid4().hex[:8]}@example.nl")
    path = f"/api/v1/statements/{NOWHERE}/response"
    clear_of_window_end(WINDOW)
    assert all(limited.put(path, {"choice": "agree"}, token=token).status_code != 429 for _ in range(3))
    # counted per worker and shared at each flush: after one, every worker refuses
    time.sleep(2 * FLUSH_SECONDS + 0.5)
    for _ in range(4):
        too_many(limited.put(path, {"choice": "agree"}, token=token))


def test_a_web_form_over_its_limit_gets_an_error_page(limited, api):
    _, token = register_and_login(api, "Webschrijver", f"web-{uuid.uuid4().hex[:8]}@example.nl")
    web = requests.Session()
    web.cookies.set("meedenken_sessie", token)
    path = f"{limited.base_url}/onderwerpen/{NOWHERE}/reacties"
    clear_of_window_end(WINDOW)
    for _ in range(2):
        web.post(path, data={"body": "x"}, allow_redirects=False)
    page = web.post(path, data={"body": "x"}, allow_redirects=False)
    assert page.status_code == 429 and page.headers["Content-Type"].startswith("text/html")
    assert "Retry-After" in page.headers


@pytest.mark.parametrize("has_account", [True, False])
def test_failed_logins_get_a_growing_delay_without_telling_whether_the_address_exists(api, has_account):
    email = f"raden-{uuid.uuid4().hex[:8]}@example.nl"
    if has_account:
        register_and_login(api, "Doelwit", email)
    wrong = {"email": email, "password": "niet-het-goede-wachtwoord"}
    assert [api.post("/api/v1/auth/login", wrong).status_code for _ in range(5)] == [401] * 5
    first_wait = too_many(api.post("/api/v1/auth/login", wrong))
    time.sleep(first_wait)
    assert api.post("/api/v1/auth/login", wrong).status_code == 401
    assert too_many(api.post("/api/v1/auth/login", wrong)) > first_wait  # the delay doubles
    if has_account:
        answer = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD})
        assert answer.status_code == 429  # even the right password waits its turn


def test_answer_counts_are_written_only_for_accounts_near_their_limit(mongo_uri):
    """Citizens answering at their own pace cost no counter write; an account that comes near its
    limit is shared at every flush, so the other processes refuse it too."""
    from datetime import datetime, timedelta, timezone
    from pymongo import MongoClient
    from meedenken_gateway.ratelimit import LocalCounts
    client = MongoClient(mongo_uri)
    db = client[f"ratelimit-{uuid.uuid4().hex[:6]}"]
    one, other = LocalCounts(flush_seconds=3600), LocalCounts(flush_seconds=3600)  # two processes
    ends = datetime.now(timezone.utc) + timedelta(minutes=1)
    for _ in range(29):
        assert one.admit(db, "calm", 300, ends)       # under a tenth of the limit
    for _ in range(290):
        assert one.admit(db, "busy", 300, ends)
    one.flush(db)
    assert {d["_id"]: d["hits"] for d in db.rate_limits.find()} == {"busy": 290}
    for _ in range(30):                                # the other process has not read it: it counts on its
        assert other.admit(db, "busy", 300, ends)     # own until it holds a tenth, then writes and reads
    other.flush(db)
    assert db.rate_limits.find_one({"_id": "busy"})["hits"] == 320  # over by less than 2 processes' tenths
    assert not other.admit(db, "busy", 300, ends)
    assert sum(one.admit(db, "busy", 300, ends) for _ in range(20)) == 10
    one.flush(db)                                      # a key written once is written at every flush
    assert db.rate_limits.find_one({"_id": "busy"})["hits"] == 330 and not one.admit(db, "busy", 300, ends)
    assert one.admit(db, "calm", 300, ends)
    one.flush(db, now=ends)                            # the window is over: what it held goes
    assert one._pending == {} and one._shared == {}
    client.drop_database(db.name)
    client.close()
