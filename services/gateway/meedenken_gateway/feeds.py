"""Atom feeds (RFC 4287), so local media, newsletters and social-media tools can follow without
scraping: per organisation (new topics, phase changes, decisions) and per topic (its phase
changes, decision, new statements and official answers). Newest first, at most ``MAX_ENTRIES``."""
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from babel.dates import format_datetime

ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
PHASE_NL = {"draft": "concept", "inform": "informeren", "consult": "raadplegen", "advise": "adviseren",
            "co_create": "coproduceren", "co_decide": "meebeslissen", "decided": "besloten", "closed": "gesloten"}
MAX_ENTRIES = 50
EPOCH = "1970-01-01T00:00:00+00:00"


@dataclass(frozen=True)
class Entry:
    at: str  # RFC 3339
    key: str  # unique within the site: becomes the entry's tag-like id
    title: str
    summary: str
    link: str  # a path on this site
    tags: tuple = ()


def _when(value):
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def topic_entries(topic):
    """Publication, every later phase change and the decision of one topic."""
    found = []
    link = f"/onderwerpen/{topic['id']}"
    for number, step in enumerate(topic.get("phase_history", [])):
        if step["phase"] == "draft":
            continue
        if number == 1:
            title, summary = topic["title"], topic["summary"]
        elif step["phase"] == "decided" and topic.get("decision"):
            title = f"{topic['title']}: besloten"
            summary = topic["decision"]["summary"]
        else:
            title = f"{topic['title']}: nu {PHASE_NL.get(step['phase'], step['phase'])}"
            summary = step.get("note") or topic["summary"]
        found.append(Entry(str(step["at"]), f"onderwerpen/{topic['id']}/{number}", title, summary, link,
                           tuple(topic.get("tags", []))))
    return found


def topic_activity_entries(topic, reactions):
    """What a follower of one topic wants to hear besides its phases: new statements and the
    official answers to citizens' reactions."""
    found = topic_entries(topic)
    link = f"/onderwerpen/{topic['id']}"
    for statement in topic.get("statements", []):
        if statement.get("status") == "published":
            found.append(Entry(str(statement["created_at"]), f"stellingen/{statement['id']}",
                               f"Nieuwe stelling: {statement['text']}", statement["text"],
                               f"{link}#stelling-{statement['id']}"))
    for thread in reactions:
        for reaction in [thread, *thread.get("replies", [])]:
            if reaction.get("official_answer") and not reaction.get("hidden"):
                found.append(Entry(str(reaction["created_at"]), f"reacties/{reaction['id']}",
                                   f"Officieel antwoord van {reaction['author_name']}", reaction["body"],
                                   f"{link}#reactie-{reaction['id']}"))
    return found


def newest(entries):
    return sorted(entries, key=lambda entry: _when(entry.at), reverse=True)[:MAX_ENTRIES]


def atom(base_url, feed_path, page_path, title, subtitle, author, entries):
    """The feed document: ``feed_path`` is its own address, ``page_path`` the web page it follows."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "nl"})
    items = newest(entries)
    add = ET.SubElement
    add(feed, f"{{{ATOM}}}id").text = f"{base_url}{page_path}"
    add(feed, f"{{{ATOM}}}title").text = title
    add(feed, f"{{{ATOM}}}subtitle").text = subtitle
    add(feed, f"{{{ATOM}}}updated").text = items[0].at if items else EPOCH
    add(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": f"{base_url}{feed_path}"})
    add(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": f"{base_url}{page_path}"})
    add(add(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = author
    for item in items:
        entry = add(feed, f"{{{ATOM}}}entry")
        add(entry, f"{{{ATOM}}}id").text = f"{base_url}/{item.key}"
        add(entry, f"{{{ATOM}}}title").text = item.title
        add(entry, f"{{{ATOM}}}updated").text = item.at
        add(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": f"{base_url}{item.link}"})
        day = format_datetime(_when(item.at), "d MMMM y", tzinfo="Europe/Amsterdam", locale="nl")
        add(entry, f"{{{ATOM}}}summary").text = f"{item.summary} ({day})"
        for tag in item.tags:
            add(entry, f"{{{ATOM}}}category", {"term": tag})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
