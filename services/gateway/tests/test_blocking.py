"""Password hashing under gevent (the gateway's gunicorn workers) leaves the worker's event loop
free: other requests' greenlets keep running while a hash is computed. Run in a process of its own
(gevent patches the whole process)."""
import subprocess
import sys

PROGRAM = """
from gevent import monkey
monkey.patch_all()
import gevent
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from meedenken_gateway.blocking import off_loop

hasher, ticks = PasswordHasher(), []

def ticker():
    while True:
        ticks.append(1)
        gevent.sleep(0.001)

def ticks_while(hash_it):
    gevent.sleep(0.01)
    before = len(ticks)
    hash_it()
    return len(ticks) - before

gevent.spawn(ticker)
print(ticks_while(lambda: off_loop(hasher.hash, "wachtwoord")), ticks_while(lambda: hasher.hash("wachtwoord")))
try:
    off_loop(hasher.verify, hasher.hash("wachtwoord"), "iets anders")
except VerifyMismatchError:
    print("refused")
"""


def test_a_password_hash_does_not_stall_the_event_loop():
    run = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, check=True)
    off, inline, refused = run.stdout.split()
    off, inline = int(off), int(inline)
    assert off > 0, "the other greenlet did not run while the hash was computed off the loop"
    assert inline == 0  # what off_loop prevents: a plain call holds the loop for the whole hash
    # a wrong password raises in the caller, and nothing else is printed (the logs are JSON lines)
    assert refused == "refused" and run.stderr == ""


def test_without_gevent_it_is_a_plain_call():
    from meedenken_gateway.blocking import off_loop
    assert off_loop(divmod, 7, 2) == (3, 1)
