"""JSON through orjson, meaning what the standard library's JSON meant (decision 22).

Every message (RPC requests and replies, events, packs of answers) and every gateway answer is
JSON; with the standard library, encoding and decoding a topic page (~50 kB) cost the gateway and
the topics service more than a tenth of their CPU for the page. orjson does it in a fraction.

``install()`` makes it kombu's ``json`` serializer (the content type stays ``application/json``,
so other clients read our messages as before); ``confirms``, which every kit module that talks
to the broker imports, calls it.
What orjson would say otherwise than kombu's own JSON goes through kombu's: kombu writes
datetimes, decimals and bytes as ``{"__type__": ..., "__value__": ...}`` and turns them back into
those types when reading; orjson refuses keys that are not strings and integers beyond 64 bits,
and reads integers of 19 digits and more (which may not fit in 64 bits) as floats. orjson writes
no spaces after separators and UTF-8 instead of ``\\u`` escapes: the same JSON. One difference is
kept on purpose: NaN and infinities, which JSON cannot express, are written as ``null`` (Python's
json writes ``NaN`` and ``Infinity``, which other clients cannot read); both are still read."""
import functools
import json

import orjson

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_DIGITS_ONLY = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))  # a digit to "0", the rest to " "
_LONG_RUN = b"0" * 19


def _kombu_decodes(raw):
    """Whether ``raw`` holds kombu's typed values or a number that may not fit in 64 bits (which
    orjson would read as a float). A JSON number starts the text or follows ':', '[' or ',', so
    digits in a string (the id 000…0123, say) are no number; a false alarm only costs time. Found
    with bytes operations: a regular expression scanning a 50 kB page took three times as long as
    orjson reading it."""
    if b'"__type__"' in raw:
        return True
    flat = raw.translate(_DIGITS_ONLY)
    start = flat.find(_LONG_RUN)
    while start != -1:  # the first digit of a run of 19 or more
        before = start - 1
        while before >= 0 and raw[before] in b" \t\r\n-":
            before -= 1
        if before < 0 or raw[before] in b":[,":
            return True
        end = flat.find(b" ", start)
        if end == -1:
            return False
        start = flat.find(_LONG_RUN, end)
    return False


def _kombu_json():
    # imported when first needed, not with this module: nameko_cli and gunicorn_conf import the kit's
    # logging before eventlet or gevent patch the standard library, and kombu must see it patched
    from kombu.utils import json as kombu_json
    return kombu_json


@functools.cache
def _kombu_encoder():
    return _kombu_json().JSONEncoder()


def _kombu_typed(value):
    return _kombu_encoder().default(value)


def dumps(value):
    """``value`` as JSON bytes, as kombu's ``json`` serializer would write it."""
    try:
        return orjson.dumps(value, default=_kombu_typed, option=_OPTIONS)
    except TypeError:  # a key that is not a string, an integer beyond 64 bits, a type nobody knows
        return _kombu_json().dumps(value)


def loads(data):
    """What kombu's ``json`` serializer reads from ``data`` (bytes or text)."""
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if not _kombu_decodes(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # NaN and Infinity, say, which Python's json accepts: let kombu answer
    return _kombu_json().loads(raw)


def dumps_answer(value):
    """``json.dumps(value, ensure_ascii=False, default=str)`` as UTF-8 bytes: the gateway's answers
    and every log line."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")


def install():
    """Make ``dumps`` and ``loads`` kombu's ``json`` serializer (``confirms`` calls it when it is
    imported)."""
    from kombu import serialization
    serialization.register("json", dumps, loads, content_type="application/json", content_encoding="utf-8")
