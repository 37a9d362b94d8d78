"""ResponseIn at the votes service's RPC boundary."""
import pytest
from marshmallow import ValidationError

from meedenken_kit.errors import InvalidInput, load_or_raise
from meedenken_votes.schemas import ResponseIn

VALID = {"account_id": "acc-1", "statement_id": "0123456789abcdef01234567",
         "topic_id": "fedcba9876543210fedcba98", "choice": "agree"}


def errors_of(payload):
    with pytest.raises(ValidationError) as exc:
        ResponseIn().load(payload)
    return exc.value.messages


@pytest.mark.parametrize("choice", ["agree", "disagree", "pass"])
def test_valid_responses_load_unchanged(choice):
    assert ResponseIn().load(dict(VALID, choice=choice)) == dict(VALID, choice=choice)


@pytest.mark.parametrize("choice", ["maybe", "AGREE", "", None, 1, {"$ne": "agree"}, ["agree"]])
def test_bad_choices_are_rejected(choice):
    assert list(errors_of(dict(VALID, choice=choice))) == ["choice"]


@pytest.mark.parametrize("field", ["statement_id", "topic_id"])
@pytest.mark.parametrize("value", [
    "", "0123456789abcdef0123456", "0123456789abcdef012345678", "0123456789ABCDEF01234567",
    "0123456789abcdef0123456z", {"$gt": ""}, 123,
])
def test_bad_ids_are_rejected(field, value):
    assert list(errors_of(dict(VALID, **{field: value}))) == [field]


def test_id_with_trailing_newline_is_rejected():
    assert list(errors_of(dict(VALID, statement_id=VALID["statement_id"] + "\n"))) == ["statement_id"]


@pytest.mark.parametrize("value", ["", "x" * 65, {"$ne": None}])
def test_bad_account_ids_are_rejected(value):
    assert list(errors_of(dict(VALID, account_id=value))) == ["account_id"]


@pytest.mark.parametrize("key", ["weight", "$where", "a.b", "previous_choice"])
def test_unknown_fields_are_rejected(key):
    assert errors_of(dict(VALID, **{key: 1})) == {key: ["Unknown field."]}


@pytest.mark.parametrize("missing", sorted(VALID))
def test_every_field_is_required(missing):
    payload = {k: v for k, v in VALID.items() if k != missing}
    assert errors_of(payload) == {missing: ["Missing data for required field."]}


def test_load_or_raise_reports_field_errors():
    with pytest.raises(InvalidInput) as exc:
        load_or_raise(ResponseIn, dict(VALID, choice="maybe", statement_id="nope"))
    assert set(exc.value.errors) == {"choice", "statement_id"}
