"""Security headers on every answer, and CORS (closed unless origins are configured).

Pages get a strict Content-Security-Policy: scripts, styles, images and fonts from this site only,
no inline script or style (the templates have none; tests/test_headers.py scans them), forms post
only here, nobody may frame us. Other answers (JSON, feeds, files) get a policy that allows
nothing. HSTS is sent only when the request came over HTTPS: gunicorn sets the scheme from
X-Forwarded-Proto only for the proxies in TRUSTED_PROXIES. Answers to a request with credentials (a
bearer token or the session cookie) are not stored by browsers or caches; API answers are
attachments, so a browser never renders one as a page."""
import falcon

from .web.session import SESSION

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    def process_response(self, req, resp, resource, req_succeeded):
        html = (resp.content_type or "").startswith("text/html")
        resp.set_header("Content-Security-Policy", PAGE_POLICY if html else OTHER_POLICY)
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("X-Frame-Options", "DENY")
        resp.set_header("Referrer-Policy", "same-origin")
        resp.set_header("Cross-Origin-Opener-Policy", "same-origin")
        if req.scheme == "https":
            resp.set_header("Strict-Transport-Security", HSTS)
        if req.get_header("Authorization") or any(SESSION in name for name in req.cookies):
            resp.set_header("Cache-Control", "no-store")
        if req.path.startswith("/api/") and "json" in (resp.content_type or ""):
            resp.set_header("Content-Disposition", 'attachment; filename="api.json"')


def middleware(settings):
    """The security headers, and CORS for exactly the configured origins (none: no CORS headers)."""
    chain = [SecurityHeaders()]
    if settings.cors_origins:
        chain.append(falcon.CORSMiddleware(allow_origins=list(settings.cors_origins),
                                           expose_headers=["Location", "Retry-After"]))
    return chain
