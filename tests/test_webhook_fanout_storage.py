"""The webhook consumer against the real database: an organisation event nobody subscribed to costs
one read and leaves nothing behind; one with a subscribed webhook gets one pending delivery, once,
however often the event is delivered."""
import uuid

import pytest
from meedenken_kit.envelope import TYPE_PREFIX
from meedenken_kit.store import UnitOfWork
from pymongo import MongoClient

from meedenken_notifications import repository as repo, webhook_usecases


@pytest.fixture
def uow(mongo_uri):
    client = MongoClient(mongo_uri)
    db = client[f"webhook-fanout-{uuid.uuid4().hex[:6]}"]
    repo.ensure_indexes(db)
    yield UnitOfWork(client, db, "notifications")
    client.drop_database(db.name)
    client.close()


def support_recorded(org):
    return {"id": uuid.uuid4().hex, "type": f"{TYPE_PREFIX}support.recorded.v1", "source": "votes",
            "data": {"proposal_id": "p" * 24, "org": org, "supports": 7}}


def test_an_event_nobody_subscribed_to_leaves_nothing(uow):
    repo.insert_webhook(uow.db, None, {"org": "elders", "active": True, "types": ["support.recorded.v1"]})
    webhook_usecases.on_org_event(uow, support_recorded("nergenshuizen"))  # another organisation
    repo.insert_webhook(uow.db, None, {"org": "nergenshuizen", "active": True, "types": ["poll.closed.v1"]})
    webhook_usecases.on_org_event(uow, support_recorded("nergenshuizen"))  # another type
    assert uow.db.processed_events.count_documents({}) == 0
    assert uow.db.webhook_deliveries.count_documents({}) == 0


def test_a_subscribed_webhook_gets_one_delivery_per_event_however_often_it_arrives(uow):
    webhook = repo.insert_webhook(uow.db, None, {"org": "elders", "active": True, "types": ["support.recorded.v1"]})
    event = support_recorded("elders")
    webhook_usecases.on_org_event(uow, event)
    webhook_usecases.on_org_event(uow, event)  # redelivered
    deliveries = list(uow.db.webhook_deliveries.find())
    assert [(d["webhook_id"], d["event_id"], d["state"]) for d in deliveries] == [(webhook["_id"], event["id"], "pending")]
