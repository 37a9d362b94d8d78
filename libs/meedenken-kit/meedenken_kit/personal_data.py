"""A person's data in one service: what export shows and what erasure does (docs/privacy.md).

Each service lists its parts once, e.g. ``PERSONAL_DATA = PersonalData(Part("follows", export_follows,
erase_follows), ...)``; adding a part is one line there. ``export`` answers the gateway's
``export_account_data`` RPC; ``erase`` handles the gateway's ``account.erasure_requested.v1``
(idempotently) and records ``account.erasure_confirmed.v1`` in the same transaction as the erasure.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional

from bson import ObjectId
from marshmallow import Schema, fields, validate

from .envelope import rfc3339
from .errors import load_or_raise

ERASURE_REQUESTED = ("gateway", "account.erasure_requested.v1")
ERASURE_CONFIRMED = "account.erasure_confirmed.v1"
ANONYMISE, REMOVE = "anonymise", "remove"
ID = validate.Regexp(r"^[0-9a-f]{24}$")


class AccountRef(Schema):
    account_id = fields.String(required=True, validate=ID)


class ErasureRequested(Schema):
    """The data of ``account.erasure_requested.v1``: whose data, and what happens to their public
    contributions (kept under "verwijderde deelnemer", or removed)."""
    account_id = fields.String(required=True, validate=ID)
    contributions = fields.String(required=True, validate=validate.OneOf((ANONYMISE, REMOVE)))
    services = fields.List(fields.String())


@dataclass(frozen=True)
class Part:
    """``export(db, account_id)`` -> documents (JSON-able after ``plain``);
    ``erase(db, session, account_id, contributions)`` removes or unlinks them. Either may be None."""
    name: str
    export: Optional[Callable] = None
    erase: Optional[Callable] = None


def either_way(erase):
    """An ``erase(db, session, account_id)`` that does the same whatever happens to contributions."""
    return lambda db, session, account_id, contributions: erase(db, session, account_id)


def plain(value):
    """Documents as JSON: times in RFC 3339, ObjectIds as strings."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, ObjectId):
        return str(value)
    return value


class PersonalData:
    def __init__(self, *parts):
        self.parts = parts

    def export(self, uow, payload):
        account_id = load_or_raise(AccountRef, payload)["account_id"]
        return {"service": uow.service, "account_id": account_id,
                "parts": {part.name: plain(part.export(uow.db, account_id)) for part in self.parts if part.export}}

    def erase(self, uow, event):
        """Applied once per event; the confirmation names the service and nothing personal."""
        data = load_or_raise(ErasureRequested, event["data"])

        def work(session):
            for part in filter(lambda part: part.erase, self.parts):
                part.erase(uow.db, session, data["account_id"], data["contributions"])
            uow.emit(session, ERASURE_CONFIRMED, data["account_id"],
                     {"account_id": data["account_id"], "service": uow.service})
        return uow.apply_once(event["id"], work)
