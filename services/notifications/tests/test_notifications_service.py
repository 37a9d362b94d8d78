"""NotificationsService entry points only delegate to usecases with the injected store (nameko worker_factory)."""
from unittest import mock

from nameko.testing.services import worker_factory

from meedenken_notifications import usecases
from meedenken_notifications.service import NotificationsService


def test_follow_delegates_to_its_usecase_with_the_store():
    service = worker_factory(NotificationsService)
    payload = {"account_id": "acc-1", "topic_id": "0" * 24}
    with mock.patch("meedenken_notifications.usecases.follow", return_value={"following": True}) as usecase:
        assert service.follow(payload) == {"following": True}
    usecase.assert_called_once_with(service.store, payload)


def test_statement_published_handler_delegates_to_its_usecase_with_the_store():
    service = worker_factory(NotificationsService)
    event = {"type": "nl.meedenken.statement.published.v1", "data": {"topic_id": "0" * 24}}
    with mock.patch("meedenken_notifications.usecases.on_statement_published") as usecase:
        assert service.on_statement_published(event) is None
    usecase.assert_called_once_with(service.store, event)


def test_topic_decided_handler_asks_topics_and_votes_for_participants():
    service = worker_factory(NotificationsService)
    event = {"type": "nl.meedenken.topic.decided.v1", "data": {"topic_id": "0" * 24}}
    with mock.patch("meedenken_notifications.usecases.on_topic_decided") as usecase:
        assert service.on_topic_decided(event) is None
    usecase.assert_called_once_with(service.store, event, [service.topics, service.votes])


def test_the_personal_data_entrypoints_serve_this_services_parts():
    assert NotificationsService.personal_data is usecases.PERSONAL_DATA  # the mixin's delegation: the kit's tests
