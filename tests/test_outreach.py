"""Sharing and outreach against the real stack: share pages and the topic page carry Open Graph and
Twitter-card tags, the share image is a 1200×630 PNG with an ETag, the Atom feeds are valid Atom,
the outreach kit (flyer, poster, press text) is generated from the topic with QR codes that decode
to the topic's address with their campaign tag, and tagged visits are counted per channel and shown
to the topic's officials only (tests/test_authorisation.py covers the rest of who may)."""
import io
import re
import uuid
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from conftest import eventually
from journey import PASSWORD, register_and_login
from test_web import Browser

A = "{http://www.w3.org/2005/Atom}"
BROWSER_UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"}
TITLE = "Een veilige oversteek bij de school aan de Kerkweg"


@pytest.fixture(scope="module")
def place(api, cli, platform):
    slug = f"deel-{uuid.uuid4().hex[:6]}"
    assert cli("create-org", slug, "Gemeente Deelstad").returncode == 0
    email = f"ambtenaar-{slug}@example.nl"
    made = cli("create-user", "--org", slug, "--email", email, "--password", PASSWORD, "--role", "official")
    assert made.returncode == 0
    official = api.post("/api/v1/auth/login", {"email": email, "password": PASSWORD}).json()["token"]
    citizen = register_and_login(api, "Deelnemer", f"deler-{uuid.uuid4().hex[:6]}@example.nl")[1]
    topic = api.post("/api/v1/topics", {"org": slug, "title": TITLE, "body": "Kinderen steken hier elke dag over.",
                                        "summary": "Hoe maken we de oversteek veilig?"}, token=official).json()
    tid = topic["id"]
    for phase in ("inform", "consult"):
        assert api.post(f"/api/v1/topics/{tid}/phase", {"phase": phase, "note": "Denk mee"}, token=official).ok
    statement = api.post(f"/api/v1/topics/{tid}/statements", {"text": "Er moet een zebrapad komen."},
                         token=official).json()
    reaction = api.post(f"/api/v1/topics/{tid}/reactions", {"body": "Komt er een klaar-over?"}, token=citizen).json()
    assert api.post(f"/api/v1/topics/{tid}/reactions", {"body": "Ja, vanaf januari.", "parent_id": reaction["id"]},
                    token=official).status_code == 201
    proposal = api.post("/api/v1/agenda-proposals", {"org": slug, "title": "Een speeltuin in de wijk",
                                                     "motivation": "Er is nergens plek om te spelen."},
                        token=citizen).json()
    return {"slug": slug, "official": official, "official_email": email, "citizen": citizen, "topic": tid,
            "statement": statement["id"], "proposal": proposal["id"]}


class Meta(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.tags, self.links = {}, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.tags[attrs.get("property") or attrs.get("name")] = attrs.get("content")
        elif tag == "link":
            self.links.setdefault((attrs.get("rel"), attrs.get("type")), []).append(attrs.get("href"))


def assert_shares(html, url, title):
    meta = Meta(html)
    for name in ("og:title", "og:description", "og:image", "og:url", "twitter:card", "twitter:image"):
        assert meta.tags.get(name), name
    assert meta.tags["og:title"] == title and meta.tags["og:url"] == url
    assert meta.tags["twitter:card"] == "summary_large_image"
    assert meta.links[("canonical", None)] == [url]
    # share links for the networks, plain links: no script but our own
    for network in ("https://wa.me/?text=", "https://www.facebook.com/sharer/sharer.php",
                    "https://x.com/intent/post", "https://www.linkedin.com/sharing/share-offsite/", "mailto:?subject="):
        assert network in html, network
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/meedenken.js" defer>']
    return meta


def test_the_topic_page_and_share_pages_carry_open_graph_tags(platform, place):
    browser, base, tid = Browser(platform.url), platform.url, place["topic"]
    topic_url = f"{base}/onderwerpen/{tid}"
    for path in (f"/onderwerpen/{tid}", f"/onderwerpen/{tid}/delen"):
        meta = assert_shares(browser.get(path).text, topic_url, TITLE)
        assert meta.tags["og:image"] == f"{base}/api/v1/topics/{tid}/share.png"
        assert f"/api/v1/topics/{tid}/feed.atom" in meta.links[("alternate", "application/atom+xml")]
    page = browser.get(f"/onderwerpen/{tid}").text
    quoted = topic_url.replace(":", "%3A").replace("/", "%2F")
    assert f"https://wa.me/?text={TITLE.replace(' ', '%20')}%20{quoted}%3Fvia%3Dwhatsapp" in page
    statement = f"/stellingen/{place['statement']}/delen"
    meta = assert_shares(browser.get(statement).text, base + statement, "Er moet een zebrapad komen.")
    assert meta.tags["og:image"] == f"{base}/api/v1/topics/{tid}/share.png"
    proposal = f"/agendapunten/{place['proposal']}"
    for path in (proposal, proposal + "/delen"):
        meta = assert_shares(browser.get(path).text, base + proposal, "Een speeltuin in de wijk")
        assert meta.tags["og:image"] == f"{base}/api/v1/agenda-proposals/{place['proposal']}/share.png"
    assert browser.get(f"/stellingen/{'0' * 24}/delen").status_code == 404


def test_the_share_image_is_a_cacheable_1200_by_630_png(api, place):
    for path in (f"/api/v1/topics/{place['topic']}/share.png",
                 f"/api/v1/agenda-proposals/{place['proposal']}/share.png"):
        answer = api.get(path)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(answer.content)).size == (1200, 630)
        assert "max-age" in answer.headers["Cache-Control"] and answer.headers["ETag"]
        again = api.get(path, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304 and not again.content
    assert api.get(f"/api/v1/topics/{'0' * 24}/share.png").status_code == 404


def parse_atom(content):
    """The RFC 4287 rules a reader relies on: the feed and each entry have an id, a title and an
    updated time (RFC 3339), the feed an author and a self link, each entry an alternate link."""
    feed = ET.fromstring(content)
    assert feed.tag == f"{A}feed"
    for element in (feed, *feed.findall(f"{A}entry")):
        for child in ("id", "title", "updated"):
            assert (element.findtext(f"{A}{child}") or "").strip(), (element.tag, child)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", element.findtext(f"{A}updated"))
    assert feed.find(f"{A}author/{A}name").text
    assert any(link.get("rel") == "self" for link in feed.findall(f"{A}link"))
    entries = feed.findall(f"{A}entry")
    for entry in entries:
        assert any(link.get("rel", "alternate") == "alternate" for link in entry.findall(f"{A}link"))
    ids = [entry.findtext(f"{A}id") for entry in entries]
    assert len(ids) == len(set(ids))
    return feed, [entry.findtext(f"{A}title") for entry in entries]


def test_the_atom_feeds_are_valid_and_follow_what_happens(api, platform, place):
    answer = api.get(f"/api/v1/orgs/{place['slug']}/feed.atom")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/atom+xml")
    _, titles = parse_atom(answer.content)
    assert TITLE in titles and f"{TITLE}: nu raadplegen" in titles
    answer = api.get(f"/api/v1/topics/{place['topic']}/feed.atom")
    assert answer.status_code == 200
    _, titles = parse_atom(answer.content)
    assert "Nieuwe stelling: Er moet een zebrapad komen." in titles
    assert any(t.startswith("Officieel antwoord van") for t in titles)
    old = api.session.get(f"{platform.url}/organisaties/{place['slug']}/feed.atom", allow_redirects=False, timeout=30)
    assert old.status_code == 301 and old.headers["Location"].endswith(f"/api/v1/orgs/{place['slug']}/feed.atom")
    assert api.get(f"/api/v1/topics/{'0' * 24}/feed.atom").status_code == 404
    assert api.get("/api/v1/orgs/bestaat-niet/feed.atom").status_code == 404
    org_page = Browser(platform.url).get(f"/organisaties/{place['slug']}").text
    assert f'type="application/atom+xml"' in org_page and f"/api/v1/orgs/{place['slug']}/feed.atom" in org_page


def decoded_qr_codes(pdf):
    page = pypdfium2.PdfDocument(pdf)[0]
    return [code.text for code in zxingcpp.read_barcodes(page.render(scale=2).to_pil())]


def test_the_outreach_kit_is_made_from_the_topic(api, platform, place):
    kit = f"/api/v1/topics/{place['topic']}/outreach"
    topic_url = f"{platform.url}/onderwerpen/{place['topic']}"
    flyer = api.get(kit + "/flyer.pdf", params={"until": "2031-03-15"}, token=place["official"])
    assert flyer.status_code == 200 and flyer.headers["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(flyer.content))
    text = " ".join(reader.pages[0].extract_text().split())
    assert TITLE in text and "Gemeente Deelstad" in text and "15 maart 2031" in text
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (420, 595)  # A5 in points
    assert decoded_qr_codes(flyer.content) == [f"{topic_url}?via=flyer"]
    poster = api.get(kit + "/poster.pdf", token=place["official"])
    page = pypdf.PdfReader(io.BytesIO(poster.content)).pages[0]
    assert (round(float(page.mediabox[2])), round(float(page.mediabox[3]))) == (842, 1191)  # A3
    assert decoded_qr_codes(poster.content) == [f"{topic_url}?via=poster"]
    press = api.get(kit + "/press.md", params={"until": "2031-03-15"}, token=place["official"])
    assert press.headers["Content-Type"].startswith("text/markdown")
    assert press.text.startswith(f"# {TITLE}") and "15 maart 2031" in press.text
    assert re.search(r"sinds \d{1,2} \w+ \d{4}", press.text) and f"{topic_url}?via=krant" in press.text
    assert api.get(kit + "/flyer.pdf", params={"until": "morgen"}, token=place["official"]).status_code == 422
    for token in (None, place["citizen"]):
        assert api.get(kit + "/press.md", token=token).status_code == (401 if token is None else 403)


def test_campaign_visits_are_counted_per_channel_for_officials_only(api, platform, place):
    tid = place["topic"]
    figures_path = f"/api/v1/topics/{tid}/outreach/campaigns"
    before = api.get(figures_path, token=place["official"]).json()
    visitor = Browser(platform.url)
    first = visitor.get(f"/onderwerpen/{tid}?via=flyer", headers=BROWSER_UA, allow_redirects=False)
    assert first.status_code == 303 and first.headers["Location"] == f"/onderwerpen/{tid}"
    assert "flyer" not in first.headers.get("Set-Cookie", "")  # the tag is not remembered in the browser
    visitor.get(f"/onderwerpen/{tid}", headers=BROWSER_UA)  # the clean address (a reload) counts nothing
    Browser(platform.url).get(f"/onderwerpen/{tid}?via=krant", headers=BROWSER_UA)
    Browser(platform.url).get(f"/stellingen/{place['statement']}/delen?via=whatsapp", headers=BROWSER_UA)
    # not counted: an unknown tag, a crawler fetching a link preview, a topic that does not exist
    Browser(platform.url).get(f"/onderwerpen/{tid}?via=spam", headers=BROWSER_UA)
    Browser(platform.url).get(f"/onderwerpen/{tid}?via=poster", headers={"User-Agent": "facebookexternalhit/1.1"})
    Browser(platform.url).get(f"/onderwerpen/{'0' * 24}?via=flyer", headers=BROWSER_UA)

    def counted():
        figures = api.get(figures_path, token=place["official"]).json()
        channels = {row["channel"]: row["visits"] for row in figures["channels"]}
        old = {row["channel"]: row["visits"] for row in before["channels"]}
        return {c: channels[c] - old[c] for c in channels if channels[c] != old[c]} == {
            "flyer": 1, "krant": 1, "whatsapp": 1} and figures
    figures = eventually(counted)
    assert figures["total"] == sum(row["visits"] for row in figures["channels"]) >= 3
    assert "spam" not in {row["channel"] for row in figures["channels"]}
    assert api.get(figures_path, token=place["citizen"]).status_code == 403
    assert api.get(figures_path).status_code == 401


def test_officials_find_the_kit_and_the_figures_in_their_workspace(api, platform, place):
    official = Browser(platform.url).login(place["official_email"])
    manage = f"/beheer/onderwerpen/{place['topic']}"
    page = official.get(manage).text
    assert f'href="{manage}/uitingen"' in page and f'href="{manage}/campagnes"' in page
    downloads = official.get(manage + "/uitingen?tot=2031-03-15")
    assert downloads.status_code == 200 and "via=flyer" in downloads.text
    link = re.search(r'href="(/beheer/onderwerpen/[0-9a-f]{24}/uitingen/flyer\.pdf[^"]*)"', downloads.text).group(1)
    flyer = official.get(link.replace("&amp;", "&"))
    assert flyer.status_code == 200 and flyer.content.startswith(b"%PDF")
    assert "15 maart 2031" in " ".join(pypdf.PdfReader(io.BytesIO(flyer.content)).pages[0].extract_text().split())
    press = official.get(manage + "/uitingen/persbericht.md")
    assert press.status_code == 200 and TITLE in press.text
    figures = official.get(manage + "/campagnes")
    assert figures.status_code == 200 and "Bezoek per kanaal" in figures.text and "Flyer" in figures.text
    citizen = Browser(platform.url)
    citizen_email = f"nieuwsgierig-{uuid.uuid4().hex[:6]}@example.nl"
    register_and_login(api, "Nieuwsgierig", citizen_email)
    citizen.login(citizen_email)
    for path in (manage + "/uitingen", manage + "/campagnes", manage + "/uitingen/flyer.pdf"):
        assert citizen.get(path).status_code == 403, path
