"""Sharing and outreach: the share images (public), and for the topic's officials the outreach kit
(flyer, poster, press text, each linking with its own campaign tag) and the campaign figures."""
import hashlib
from urllib.parse import urlsplit

from .. import campaigns, outreach
from ..routing import Raw, Route, require_id
from ..schemas import CampaignFigures, OutreachQuery

IMAGE_VERSION = "1"  # change when the image's design changes, so caches fetch the new one
IMAGE_MAX_AGE = 3600


def tagged_url(call, topic_id, channel):
    return f"{call.gateway.settings.public_url}/onderwerpen/{topic_id}?via={channel}"


def _image(call, org_slug, title, footer):
    org = call.rpc.call("topics", "get_org", org_slug)
    background, foreground = outreach.colours(org.get("theme") or {})
    parts = (IMAGE_VERSION, org["name"], title, footer, repr(background), repr(foreground))
    etag = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return Raw(lambda: outreach.share_image(org["name"], title, footer, background, foreground), "image/png",
               etag=etag, max_age=IMAGE_MAX_AGE)


def _site(call):
    return urlsplit(call.gateway.settings.public_url).netloc


def topic_image(call, topic_id):
    topic = call.rpc.call("topics", "get_topic", None, require_id(topic_id, "Topic"))
    return _image(call, topic["org"], topic["title"], f"Denk mee op {_site(call)}")


def proposal_image(call, proposal_id):
    proposal = call.rpc.call("topics", "get_agenda_proposal", require_id(proposal_id, "Agenda proposal"))
    return _image(call, proposal["org"], proposal["title"], f"Agendapunt van inwoners · steun het op {_site(call)}")


def kit(call, topic_id):
    """The topic and its organisation, when the caller is one of its officials."""
    found = call.rpc.call("topics", "outreach_topic", call.actor, require_id(topic_id, "Topic"))
    return found["topic"], found["org"]


def flyer(call, topic_id):
    topic, org = kit(call, topic_id)
    return Raw(outreach.flyer(org["name"], topic, tagged_url(call, topic_id, campaigns.FLYER), call.query.get("until"),
                              org.get("theme") or {}), "application/pdf", filename=f"flyer-{topic_id}.pdf")


def poster(call, topic_id):
    topic, org = kit(call, topic_id)
    return Raw(outreach.poster(org["name"], topic, tagged_url(call, topic_id, campaigns.POSTER),
                               call.query.get("until"), org.get("theme") or {}),
               "application/pdf", filename=f"poster-{topic_id}.pdf")


def press(call, topic_id):
    topic, org = kit(call, topic_id)
    history = [step for step in topic.get("phase_history", []) if step["phase"] != "draft"]
    published = outreach.parse_date(history[0]["at"] if history else topic["created_at"])
    return Raw(outreach.press_text(org["name"], topic, tagged_url(call, topic_id, campaigns.PRESS),
                                   call.query.get("until"), published),
               "text/markdown; charset=utf-8", filename=f"persbericht-{topic_id}.md")


def campaign_figures(call, topic_id):
    return call.rpc.call("topics", "campaign_figures", call.actor, require_id(topic_id, "Topic"))


S, O = ("sharing",), ("outreach",)
KIT = "/api/v1/topics/{topic_id}/outreach"
UNTIL = "; `until` (a date) says until when citizens can take part"
ROUTES = [
    Route("GET", "/api/v1/topics/{topic_id}/share.png", topic_image, "The topic's share image (PNG, 1200×630: the "
          "organisation's name and the topic's title), for og:image", errors=(404,), media_type="image/png",
          etag=True, tags=S),
    Route("GET", "/api/v1/agenda-proposals/{proposal_id}/share.png", proposal_image, "An agenda proposal's share "
          "image (PNG, 1200×630)", errors=(404,), media_type="image/png", etag=True, tags=S),
    Route("GET", KIT + "/flyer.pdf", flyer, "For the topic's officials: an A5 flyer with a QR code to the topic "
          "(campaign tag via=flyer)" + UNTIL, auth="official", query=OutreachQuery, errors=(401, 403, 404),
          media_type="application/pdf", tags=O),
    Route("GET", KIT + "/poster.pdf", poster, "For the topic's officials: an A3 poster with a QR code to the topic "
          "(campaign tag via=poster)" + UNTIL, auth="official", query=OutreachQuery, errors=(401, 403, 404),
          media_type="application/pdf", tags=O),
    Route("GET", KIT + "/press.md", press, "For the topic's officials: a press text for the local paper (Markdown, "
          "Dutch; its link has the campaign tag via=krant)" + UNTIL, auth="official", query=OutreachQuery,
          errors=(401, 403, 404), media_type="text/markdown", tags=O),
    Route("GET", KIT + "/campaigns", campaign_figures, "For the topic's officials: visits that came with a campaign "
          "tag (?via=), per channel and per day; no personal data", auth="official", answer=CampaignFigures,
          errors=(401, 403, 404), tags=O),
]
