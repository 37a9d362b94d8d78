"""A service's personal-data parts: the export names the service and each part, in JSON; the erasure
runs every part in one go, once per request event, and confirms with the service's name."""
from datetime import datetime, timezone
from unittest import mock

import pytest
from bson import ObjectId
from nameko.testing.services import worker_factory

from meedenken_kit.entrypoints import PersonalDataEntrypoints
from meedenken_kit.errors import InvalidInput
from meedenken_kit.personal_data import ERASURE_CONFIRMED, Part, PersonalData, either_way, plain
from meedenken_kit.store import Store

ACCOUNT = "6740b0a1f1d3e4b5a6c7d801"


class RecordingUnitOfWork:
    """What PersonalData uses of a UnitOfWork, recording the work it is given."""

    def __init__(self):
        self.db, self.service, self.applied, self.emitted = {"follows": [ACCOUNT]}, "notifications", {}, []

    def apply_once(self, event_id, work):
        if event_id in self.applied:
            return False
        self.applied[event_id] = work("session")
        return True

    def emit(self, session, short_type, subject, data):
        self.emitted.append((session, short_type, subject, data))


def test_plain_makes_documents_json():
    moment = datetime(2026, 11, 25, 8, 35, 16, 123000, tzinfo=timezone.utc)
    oid = ObjectId("6740b0a1f1d3e4b5a6c7d801")
    assert plain({"at": moment, "ids": [oid], "n": 1}) == {"at": "2026-11-25T08:35:16.123Z", "ids": [str(oid)], "n": 1}


def test_the_export_has_every_part_with_an_export():
    data = PersonalData(Part("follows", lambda db, account_id: [{"topic": 1, "of": account_id}]),
                        Part("only_erased", erase=lambda *args: None))
    assert data.export(RecordingUnitOfWork(), {"account_id": ACCOUNT}) == {
        "service": "notifications", "account_id": ACCOUNT, "parts": {"follows": [{"topic": 1, "of": ACCOUNT}]}}
    with pytest.raises(InvalidInput):
        data.export(RecordingUnitOfWork(), {"account_id": "not an id"})


def test_the_erasure_runs_every_part_once_and_confirms():
    erased = []
    data = PersonalData(Part("follows", erase=either_way(lambda db, session, account_id: erased.append(
                            ("follows", session, account_id)))),
                        Part("contributions", erase=lambda db, session, account_id, how: erased.append(
                            ("contributions", how))),
                        Part("only_exported", export=lambda db, account_id: []))
    uow = RecordingUnitOfWork()
    event = {"id": "e1", "data": {"account_id": ACCOUNT, "contributions": "remove", "services": ["notifications"]}}
    assert data.erase(uow, event) is True
    assert data.erase(uow, event) is False  # a redelivery
    assert erased == [("follows", "session", ACCOUNT), ("contributions", "remove")]
    assert uow.emitted == [("session", ERASURE_CONFIRMED, ACCOUNT, {"account_id": ACCOUNT, "service": "notifications"})]


def test_a_request_without_a_valid_choice_is_refused():
    uow = RecordingUnitOfWork()
    with pytest.raises(InvalidInput):
        PersonalData().erase(uow, {"id": "e2", "data": {"account_id": ACCOUNT, "contributions": "keep"}})
    assert uow.emitted == []


def test_the_entrypoints_mixin_hands_the_services_store_to_its_parts():
    class Service(PersonalDataEntrypoints):
        name = "example"
        store = Store(lambda db: None)
        personal_data = PersonalData()

    service = worker_factory(Service)
    with mock.patch.object(Service.personal_data, "export", return_value={"parts": {}}) as export:
        assert service.export_account_data({"account_id": "6" * 24}) == {"parts": {}}
    export.assert_called_once_with(service.store, {"account_id": "6" * 24})
    event = {"id": "e1", "data": {"account_id": "6" * 24, "contributions": "anonymise"}}
    with mock.patch.object(Service.personal_data, "erase") as erase:
        service.on_erasure_requested(event)
    erase.assert_called_once_with(service.store, event)
