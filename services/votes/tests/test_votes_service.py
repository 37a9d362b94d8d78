"""VotesService entry points only delegate to usecases with the injected store (nameko worker_factory)."""
from unittest import mock

import pytest
from nameko.testing.services import worker_factory

from meedenken_votes import usecases
from meedenken_votes.service import VotesService


def test_record_response_delegates_to_its_usecase_with_the_store():
    service = worker_factory(VotesService)
    payload = {"account_id": "acc-1", "statement_id": "0" * 24, "topic_id": "1" * 24, "choice": "agree"}
    answer = {"statement_id": "0" * 24, "choice": "agree", "tally": {"agree": 1, "disagree": 0, "pass": 0}}
    with mock.patch("meedenken_votes.usecases.record_response", return_value=answer) as usecase:
        assert service.record_response(payload) == answer
    usecase.assert_called_once_with(service.store, service.ballot_box.cache, payload)


@pytest.mark.parametrize("entrypoint, usecase, args", [
    ("create_poll", "create_poll", ({"id": "acc-1"}, {"id": "1" * 24}, {"question": "?"})),
    ("update_poll", "update_poll", ({"id": "acc-1"}, "2" * 24, {"question": "?"})),
    ("cancel_poll", "cancel_poll", ({"id": "acc-1"}, "2" * 24)),
    ("get_poll", "get_poll", ({"poll_id": "2" * 24},)),
    ("topic_polls", "topic_polls", ({"topic_id": "1" * 24},)),
    ("cast_poll_ballot", "cast_ballot", ({"id": "acc-1"}, "2" * 24, {"choices": ["o1"]})),
    ("check_receipt", "check_receipt", ({"poll_id": "2" * 24, "code": "A" * 26},)),
    ("poll_results", "poll_results", ({"poll_id": "2" * 24},)),
])
def test_poll_entrypoints_delegate_to_their_usecase_with_the_store(entrypoint, usecase, args):
    service = worker_factory(VotesService)
    with mock.patch(f"meedenken_votes.usecases.{usecase}", return_value={"ok": True}) as called:
        assert getattr(service, entrypoint)(*args) == {"ok": True}
    called.assert_called_once_with(service.store, *args)


def test_the_personal_data_entrypoints_serve_this_services_parts():
    assert VotesService.personal_data is usecases.PERSONAL_DATA  # the mixin's delegation: the kit's tests
