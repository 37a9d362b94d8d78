"""Work that holds a core for long — argon2 password hashing, ~100 ms — runs on a real thread when
the gateway serves under gevent (gunicorn_conf.py): argon2 releases the GIL, so the worker's event
loop goes on answering other requests meanwhile instead of stalling them all. Without gevent's
patches (the app called in-process, as in unit tests) it is a plain call."""
from gevent import get_hub, monkey


def off_loop(function, *args):
    if not monkey.is_module_patched("threading"):
        return function(*args)
    # the outcome comes back as a value: gevent's pool would print a raised exception's traceback
    # (a wrong password is one) to stderr besides raising it here
    ok, outcome = get_hub().threadpool.apply(_outcome, (function, args))
    if not ok:
        raise outcome
    return outcome


def _outcome(function, args):
    try:
        return True, function(*args)
    except Exception as exc:
        return False, exc
