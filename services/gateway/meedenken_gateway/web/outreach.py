"""Sharing and outreach pages: a share page per topic, statement and agenda proposal (Open Graph
and Twitter-card tags, plain share links with a campaign tag, no third-party scripts), and for
the topic's officials the outreach kit's downloads and the campaign figures."""
import urllib.parse
from datetime import date

from .. import campaigns
from ..api import agenda as agenda_api, outreach as outreach_api
from ..problems import Problem
from ..routing import require_id
from .citizen import org, topic_url
from .framework import Page
from .sharing import campaign_visit, proposal_share_context, share_context

DOWNLOADS = {"flyer.pdf": outreach_api.flyer, "poster.pdf": outreach_api.poster, "persbericht.md": outreach_api.press}


def topic_share(web, topic_id):
    topic = web.gateway.rpc.call("topics", "get_topic", web.call().actor, require_id(topic_id, "Topic"))
    base = web.gateway.settings.public_url
    web.render("share.html", org=org(web.gateway, topic["org"]), kind="topic", item=topic,
               back=topic_url(topic_id), feed=f"/api/v1/topics/{topic_id}/feed.atom",
               **share_context(topic["title"], topic["summary"], f"{base}{topic_url(topic_id)}",
                               f"{base}/api/v1/topics/{topic_id}/share.png"))


def statement_share(web, statement_id):
    statement = web.gateway.rpc.call("topics", "get_statement", web.call().actor,
                                     require_id(statement_id, "Statement"))
    topic = statement["topic"]
    path = f"/stellingen/{statement_id}/delen"
    campaign_visit(web, topic["id"], path)
    base = web.gateway.settings.public_url
    web.render("share.html", org=org(web.gateway, topic["org"]), kind="statement", item=statement,
               back=f"{topic_url(topic['id'])}#stelling-{statement_id}", topic=topic,
               feed=f"/api/v1/topics/{topic['id']}/feed.atom",
               **share_context(statement["text"], topic["title"], f"{base}{path}",
                               f"{base}/api/v1/topics/{topic['id']}/share.png"))


def proposal_share(web, proposal_id):
    proposal = agenda_api.get_proposal(web.call(), proposal_id)
    web.render("share.html", org=org(web.gateway, proposal["org"]), kind="proposal", item=proposal,
               back=f"/agendapunten/{proposal_id}",
               **proposal_share_context(web.gateway.settings.public_url, proposal))


def _until(web):
    """The 'until' date the official typed (``tot``), or None."""
    value = web.req.get_param("tot") or ""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Problem(422, "Give the date as YYYY-MM-DD.") from None


def outreach_page(web, topic_id):
    topic, organisation = outreach_api.kit(web.call(), topic_id)
    until = _until(web)
    suffix = f"?{urllib.parse.urlencode({'tot': until.isoformat()})}" if until else ""
    base = web.gateway.settings.public_url
    web.render("outreach.html", org=org(web.gateway, organisation["slug"]), topic=topic, until=until,
               downloads=[(name, f"/beheer/onderwerpen/{topic_id}/uitingen/{name}{suffix}") for name in DOWNLOADS],
               tagged={channel: outreach_api.tagged_url(web.call(), topic_id, channel)
                       for channel in (campaigns.FLYER, campaigns.POSTER, campaigns.PRESS)},
               share_page=f"{base}/onderwerpen/{topic_id}/delen")


def download(name):
    """The page that sends one file of the kit (the API's handler, with the session's account)."""
    def send(web, topic_id):
        until = _until(web)
        raw = DOWNLOADS[name](web.call(query={"until": until} if until else {}), require_id(topic_id, "Topic"))
        raw.send(web.req, web.resp)
    return send


def campaign_page(web, topic_id):
    topic, organisation = outreach_api.kit(web.call(), topic_id)
    figures = outreach_api.campaign_figures(web.call(), topic_id)
    web.render("campaigns.html", org=org(web.gateway, organisation["slug"]), topic=topic, figures=figures,
               days=sorted({row["day"] for row in figures["days"]}, reverse=True)[:31],
               per_day={(row["day"], row["channel"]): row["visits"] for row in figures["days"]})


PAGES = [
    Page("GET", "/onderwerpen/{topic_id}/delen", topic_share),
    Page("GET", "/stellingen/{statement_id}/delen", statement_share),
    Page("GET", "/agendapunten/{proposal_id}/delen", proposal_share),
    Page("GET", "/beheer/onderwerpen/{topic_id}/uitingen", outreach_page, auth="citizen"),
    *(Page("GET", f"/beheer/onderwerpen/{{topic_id}}/uitingen/{name}", download(name), auth="citizen")
      for name in DOWNLOADS),
    Page("GET", "/beheer/onderwerpen/{topic_id}/campagnes", campaign_page, auth="citizen"),
]
