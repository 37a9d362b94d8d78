"""An Atom feed per organisation: new topics and every phase change, newest first, so local
media, newsletters and social-media tools can follow without scraping."""
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

from ..api import topics as topics_api
from ..routing import Call
from .i18n import formatters
from .theme import OrgResource

ATOM = "http://www.w3.org/2005/Atom"
PHASE_NL = {"inform": "informeren", "consult": "raadplegen", "advise": "adviseren", "co_create": "coproduceren",
            "co_decide": "meebeslissen", "decided": "besloten", "closed": "gesloten"}
MAX_ENTRIES = 50


def entries(topics):
    """(time, id, title, summary, topic) for each publication and later phase change."""
    found = []
    for topic in topics:
        for number, step in enumerate(topic.get("phase_history", [])):
            if step["phase"] == "draft":
                continue
            published = number == 1
            title = topic["title"] if published else f"{topic['title']}: nu {PHASE_NL.get(step['phase'], step['phase'])}"
            summary = topic["summary"] if published else (step.get("note") or topic["summary"])
            found.append((step["at"], f"{topic['id']}/{number}", title, summary, topic))
    return sorted(found, key=lambda entry: entry[0], reverse=True)[:MAX_ENTRIES]


def atom(org, topics, base_url):
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "nl"})
    items = entries(topics)
    add = ET.SubElement
    add(feed, f"{{{ATOM}}}id").text = f"{base_url}/organisaties/{org['slug']}"
    add(feed, f"{{{ATOM}}}title").text = f"{org['name']} denkt mee"
    add(feed, f"{{{ATOM}}}subtitle").text = "Nieuwe onderwerpen en fasewijzigingen"
    add(feed, f"{{{ATOM}}}updated").text = str(items[0][0]) if items else datetime.now(timezone.utc).isoformat()
    add(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base_url}/organisaties/{org['slug']}/feed.atom"})
    add(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                  "href": f"{base_url}/organisaties/{org['slug']}"})
    add(add(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = org["name"]
    for at, entry_id, title, summary, topic in items:
        entry = add(feed, f"{{{ATOM}}}entry")
        add(entry, f"{{{ATOM}}}id").text = f"{base_url}/onderwerpen/{entry_id}"
        add(entry, f"{{{ATOM}}}title").text = title
        add(entry, f"{{{ATOM}}}updated").text = str(at)
        add(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                       "href": f"{base_url}/onderwerpen/{topic['id']}"})
        add(entry, f"{{{ATOM}}}summary").text = f"{summary} ({formatters('nl')['date'](at)})"
        for tag in topic.get("tags", []):
            add(entry, f"{{{ATOM}}}category", {"term": tag})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")


class FeedResource(OrgResource):
    def on_get(self, req, resp, slug):
        org = self.org_or_404(slug)
        call = Call(req, self.gateway, None, None, {"org": slug, "limit": 100})
        topics = topics_api.list_topics(call)["items"]
        resp.content_type = "application/atom+xml; charset=utf-8"
        resp.cache_control = ["public", "max-age=300"]
        resp.data = atom(org, topics, self.gateway.settings.public_url)
