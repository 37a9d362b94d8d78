"""What a shareable page needs: its Open Graph / Twitter-card data (macros.share_meta), plain
share links that name their channel, and the counting of visits with a campaign tag."""
import urllib.parse

from .. import campaigns
from .framework import Redirect

NETWORKS = (  # (channel, label, address of the network's share form)
    ("whatsapp", "WhatsApp", "https://wa.me/?text={text}%20{url}"),
    ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("x", "X", "https://x.com/intent/post?text={text}&url={url}"),
    ("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url={url}"),
    ("email", None, "mailto:?subject={text}&body={url}"),
)


def share_links(url, text, tagged=True):
    """(channel, label, href) per network; each link names its channel (``via``) when tagged."""
    links = []
    for channel, label, form in NETWORKS:
        target = f"{url}?via={channel}" if tagged else url
        address = form.format(text=urllib.parse.quote(text), url=urllib.parse.quote(target, safe=""))
        links.append((channel, label, address))
    return links


def share_context(title, description, url, image, tagged=True):
    """What the meta tags (macros.share_meta) and the share links need."""
    return {"share": {"title": title, "description": description, "url": url, "image": image,
                      "links": share_links(url, title, tagged)}}


def campaign_visit(web, topic_id, clean_path):
    """A visit with a campaign tag is counted and sent on to the address without it, so a reload
    or a copied address does not count again."""
    channel = web.req.get_param("via")
    if channel is not None:
        campaigns.record_visit(web.gateway, web.req, topic_id, channel)
        raise Redirect(clean_path)


def proposal_share_context(base, proposal):
    return share_context(proposal["title"], proposal["motivation"][:300], f"{base}/agendapunten/{proposal['id']}",
                         f"{base}/api/v1/agenda-proposals/{proposal['id']}/share.png", tagged=False)
