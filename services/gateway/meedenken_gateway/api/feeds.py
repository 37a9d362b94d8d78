"""Atom feeds of an organisation and of a topic (feeds.py builds them), public and cacheable."""
from .. import feeds
from ..routing import Raw, Route, require_id

MAX_AGE = 300


def org_feed(call, slug):
    org = call.rpc.call("topics", "get_org", slug)
    topics = call.rpc.call("topics", "list_topics", None, {"org": slug, "limit": 100})["items"]
    entries = [entry for topic in topics for entry in feeds.topic_entries(topic)]
    return Raw(feeds.atom(call.gateway.settings.public_url, f"/api/v1/orgs/{slug}/feed.atom",
                          f"/organisaties/{slug}", f"{org['name']} denkt mee",
                          "Nieuwe onderwerpen, fasewijzigingen en besluiten", org["name"], entries),
               feeds.CONTENT_TYPE, max_age=MAX_AGE)


def topic_feed(call, topic_id):
    topic = call.rpc.call("topics", "get_topic", None, require_id(topic_id, "Topic"))
    reactions = call.rpc.call("topics", "list_reactions", None, topic_id, {"limit": 100})["items"]
    org = call.rpc.call("topics", "get_org", topic["org"])
    return Raw(feeds.atom(call.gateway.settings.public_url, f"/api/v1/topics/{topic_id}/feed.atom",
                          f"/onderwerpen/{topic_id}", f"{topic['title']} · {org['name']}",
                          "Fasewijzigingen, het besluit, nieuwe stellingen en officiële antwoorden", org["name"],
                          feeds.topic_activity_entries(topic, reactions)),
               feeds.CONTENT_TYPE, max_age=MAX_AGE)


ATOM = "application/atom+xml"
ROUTES = [
    Route("GET", "/api/v1/orgs/{slug}/feed.atom", org_feed, "Atom feed of an organisation: new topics, phase "
          "changes and decisions, newest first", errors=(404,), media_type=ATOM, tags=("feeds",)),
    Route("GET", "/api/v1/topics/{topic_id}/feed.atom", topic_feed, "Atom feed of a topic: its phase changes, "
          "decision, new statements and official answers, newest first", errors=(404,), media_type=ATOM,
          tags=("feeds",)),
]
