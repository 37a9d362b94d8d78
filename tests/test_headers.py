"""Security headers on every page and API answer, HSTS only over HTTPS (from trusted proxies),
__Host- cookies over HTTPS, CORS closed unless configured, and no inline script or style in any
template (the Content-Security-Policy forbids them)."""
import re
from pathlib import Path

import falcon.testing
import pytest

from meedenken_gateway.app import create_app
from meedenken_gateway.settings import Settings
from meedenken_gateway.web import PAGES
from world import build_world

TEMPLATES = Path(__file__).resolve().parent.parent / "services/gateway/meedenken_gateway/web/templates"
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


@pytest.fixture(scope="module")
def world(api, cli):
    return build_world(api, cli)


def assert_secure(answer):
    for name, value in COMMON.items():
        assert answer.headers.get(name) == value, (answer.url, name, answer.headers)
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    if answer.headers.get("Content-Type", "").startswith("text/html"):
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    else:
        assert policy.startswith("default-src 'none'"), policy
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP
    assert "Access-Control-Allow-Origin" not in answer.headers
    if answer.request.headers.get("Authorization") or "meedenken_sessie" in answer.request.headers.get("Cookie", ""):
        assert answer.headers["Cache-Control"] == "no-store", answer.url
    if "/api/" in answer.url and "json" in answer.headers.get("Content-Type", ""):
        assert answer.headers["Content-Disposition"] == 'attachment; filename="api.json"', answer.url


def test_every_page_has_the_security_headers(api, world):
    org = world.orgs["noord"]
    ids = {**org.ids, "notification_id": "0" * 24, "lang": "en"}
    pages = [p for p in PAGES if p.method == "GET"]
    assert len(pages) > 10
    for page in pages:
        for token in (None, org.official):
            cookies = {"meedenken_sessie": token} if token else {}
            answer = api.session.get(api.base_url + page.path.format(**ids), cookies=cookies,
                                     allow_redirects=False, timeout=30)
            assert answer.status_code < 500, (page.path, answer.status_code)
            assert_secure(answer)
    for path in ("/nergens", "/static/meedenken.css", "/static/meedenken.js", f"/thema/{org.slug}.css",
                 f"/organisaties/{org.slug}/feed.atom"):
        answer = api.get(path, headers={"Origin": "https://elders.example"})
        assert answer.status_code in (200, 404), path
        assert_secure(answer)


def test_every_api_answer_has_the_security_headers(api, world):
    document = api.get("/api/v1/openapi.json").json()
    ids = {**world.orgs["noord"].ids, "notification_id": "0" * 24}
    for path, item in document["paths"].items():
        if "get" in item:
            assert_secure(api.get(path.format(**ids), token=world.citizen, headers={"Origin": "https://elders.example"}))
    assert_secure(api.get("/api/v1/me"))  # a problem (401)
    assert_secure(api.post("/api/v1/auth/login", data=b"{", headers={"Content-Type": "application/json"}))


def test_no_inline_script_or_style_in_any_template():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)
    templates = sorted(TEMPLATES.glob("*.html"))
    assert templates
    for template in templates:
        assert not inline.search(template.read_text()), template.name


def _client(**environ):
    return falcon.testing.TestClient(create_app(Settings.from_env(environ)))


def test_hsts_and_host_cookies_over_https():
    client = _client(PUBLIC_URL="https://meedenken.example")
    answer = client.simulate_get("/inloggen", protocol="https")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = answer.headers["Set-Cookie"]
    assert "__Host-meedenken_browser=" in cookies and "Secure" in cookies and "Path=/" in cookies
    assert "Domain" not in cookies
    assert "Strict-Transport-Security" not in client.simulate_get("/inloggen").headers


def test_cors_is_closed_by_default_and_open_to_configured_origins():
    closed = _client().simulate_get("/healthz", headers={"Origin": "https://elders.example"})
    assert "Access-Control-Allow-Origin" not in closed.headers
    client = _client(CORS_ORIGINS="https://app.gemeente.example, https://kaart.gemeente.example")
    allowed = client.simulate_get("/healthz", headers={"Origin": "https://kaart.gemeente.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://kaart.gemeente.example"
    other = client.simulate_get("/healthz", headers={"Origin": "https://elders.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.simulate_options("/api/v1/topics", headers={
        "Origin": "https://app.gemeente.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.gemeente.example"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
