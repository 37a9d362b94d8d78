"""TopicsService entry points only delegate to usecases with the injected store (nameko worker_factory)."""
from unittest import mock

from nameko.testing.services import worker_factory

from meedenken_topics import usecases
from meedenken_topics.service import TopicsService


def test_create_topic_delegates_to_its_usecase_with_the_store():
    service = worker_factory(TopicsService)
    actor = {"id": "off-1", "name": "Olga", "roles": {"utrecht": "official"}}
    payload = {"org": "utrecht", "title": "Park", "summary": "Bomen"}
    with mock.patch("meedenken_topics.usecases.create_topic", return_value={"id": "t1"}) as usecase:
        assert service.create_topic(actor, payload) == {"id": "t1"}
    usecase.assert_called_once_with(service.store, actor, payload)


def test_threshold_event_handler_delegates_to_its_usecase_with_the_store():
    service = worker_factory(TopicsService)
    event = {"type": "nl.meedenken.agenda_proposal.threshold_reached.v1", "data": {"proposal_id": "p"}}
    with mock.patch("meedenken_topics.usecases.on_threshold_reached") as usecase:
        assert service.on_threshold_reached(event) is None
    usecase.assert_called_once_with(service.store, event)


def test_the_personal_data_entrypoints_serve_this_services_parts():
    assert TopicsService.personal_data is usecases.PERSONAL_DATA  # the mixin's delegation: the kit's tests
