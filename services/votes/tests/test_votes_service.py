"""VotesService entry points only delegate to usecases with the injected store (nameko worker_factory)."""
from unittest import mock

from nameko.testing.services import worker_factory

from meedenken_votes.service import VotesService


def test_record_response_delegates_to_its_usecase_with_the_store():
    service = worker_factory(VotesService)
    payload = {"account_id": "acc-1", "statement_id": "0" * 24, "topic_id": "1" * 24, "choice": "agree"}
    answer = {"statement_id": "0" * 24, "choice": "agree", "tally": {"agree": 1, "disagree": 0, "pass": 0}}
    with mock.patch("meedenken_votes.usecases.record_response", return_value=answer) as usecase:
        assert service.record_response(payload) == answer
    usecase.assert_called_once_with(service.store, service.ballot_box.cache, payload)
