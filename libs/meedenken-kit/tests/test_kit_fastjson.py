"""orjson on the wire reads and writes what kombu's own JSON did, and the gateway's answers say
what ``json.dumps(..., ensure_ascii=False, default=str)`` said."""
import json
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

import kombu.serialization
import pytest
from kombu.utils import json as kombu_json

from meedenken_kit import fastjson

VALUES = [
    {"statement_id": "6b07dc6dc5f3c50877279ea9", "choice": "agree", "tally": {"agree": 3, "pass": 0}},
    {"naam": "Ærø — ‘Stelling’ ✓", "items": [1, 2.5, None, True, False, [], {}], "nested": {"a": {"b": [{"c": "d"}]}}},
    {"cast_at": datetime(2026, 11, 26, 20, 0, 0, 123456, tzinfo=timezone.utc), "on": date(2026, 11, 26)},
    {"amount": Decimal("12.50"), "raw": b"bytes", "id": uuid.UUID(int=7).hex},
    {1: "a key that is no string", "nested": {2: [3]}},
    {"big": 2 ** 70, "negative": -(2 ** 64), "phone": "0612345678901234567890"},
    [2 ** 70, -(2 ** 66)], 2 ** 65, {"spaced": [1, 2 ** 66]},
    "just text",
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_a_message_reads_back_as_kombu_s_json_would_have_it(value):
    content_type, encoding, body = kombu.serialization.dumps(value, "json")
    assert (content_type, encoding) == ("application/json", "utf-8")
    expected = kombu_json.loads(kombu_json.dumps(value))
    assert _same(kombu.serialization.loads(body, content_type, encoding), expected)
    # and what kombu's own JSON wrote (another client, an older instance) reads the same
    assert _same(fastjson.loads(kombu_json.dumps(value)), expected)


def test_digits_in_a_string_are_read_by_orjson_and_big_numbers_by_kombu(monkeypatch):
    def kombu_must_not_read():
        raise AssertionError("read by kombu's JSON")
    monkeypatch.setattr(fastjson, "_kombu_json", kombu_must_not_read)
    ids = {"args": [{"account_id": "000000000000000000000123", "topic_id": "6b07dc6dc5f3c50877279ea9"}],
           "text": "IBAN NL91 ABNA 0417 1643 00 en 1234567890123456789012"}
    assert fastjson.loads(json.dumps(ids).encode()) == ids
    monkeypatch.undo()
    # a false alarm goes through kombu, and reads the same
    assert fastjson.loads(b'{"text": "a: 1234567890123456789"}') == {"text": "a: 1234567890123456789"}
    assert fastjson.loads(b' {"n": 12345678901234567890123}') == {"n": 12345678901234567890123}
    assert fastjson.loads(b"\n12345678901234567890123") == 12345678901234567890123


def test_what_json_cannot_express_is_written_as_null():
    # Python's json writes the non-standard NaN and Infinity, which other clients cannot read
    assert json.loads(fastjson.dumps([float("nan"), float("-inf"), 1.5])) == [None, None, 1.5]
    assert json.loads(fastjson.dumps_answer({"share": float("nan")})) == {"share": None}
    assert fastjson.loads(b"[NaN]")[0] != fastjson.loads(b"[NaN]")[0]  # still read from an older writer


def test_json_is_the_fast_serializer_once_the_kit_is_imported():
    import meedenken_kit  # noqa: F401
    assert kombu.serialization.registry._encoders["json"][2] is fastjson.dumps
    assert kombu.serialization.registry._decoders["application/json"] is fastjson.loads


def test_what_nobody_can_serialize_fails_as_it_did():
    with pytest.raises(TypeError):
        fastjson.dumps({"what": object()})
    with pytest.raises(ValueError):
        fastjson.loads(b'{"cut": ')


@pytest.mark.parametrize("value", VALUES[:3] + [{"at": datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc), 5: object}],
                         ids=range(4))
def test_an_answer_says_what_json_dumps_said(value):
    assert json.loads(fastjson.dumps_answer(value)) == json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _same(a, b):
    """Equal, and of the same types all the way down (1 is not 1.0, a str not a datetime)."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def test_the_logging_a_process_sets_up_first_imports_no_broker_client():
    """nameko_cli and the gateway's gunicorn_conf import the kit's logging before eventlet or gevent
    patch the standard library; kombu imported that early keeps the unpatched sleep and sockets and
    blocks a whole service while it reconnects to a restarted broker."""
    import subprocess
    import sys
    found = subprocess.run([sys.executable, "-c", "import sys, meedenken_kit.nameko_cli, meedenken_kit.logs; "
                            "print(sorted({m.split('.')[0] for m in sys.modules} & {'kombu', 'amqp', 'orjson'}))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert found == "['orjson']"
