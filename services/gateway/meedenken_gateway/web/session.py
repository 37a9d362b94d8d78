"""Browser sessions and CSRF protection for the web pages.

The session cookie holds the same signed, expiring bearer token the API uses (HttpOnly,
SameSite=Lax). When the site is served over HTTPS every cookie is Secure and named with the
``__Host-`` prefix (so no subdomain and no plain-HTTP page can set or overwrite it). Every form carries a CSRF token: an HMAC
of a random per-browser cookie value, checked on each POST."""
import hashlib
import hmac
import secrets

SESSION = "meedenken_sessie"
BROWSER = "meedenken_browser"
LANGUAGE = "meedenken_taal"
FLASH = "meedenken_melding"


def secure(settings):
    return settings.public_url.startswith("https://")


def cookie_name(settings, name):
    return f"__Host-{name}" if secure(settings) else name


def get_cookie(req, settings, name):
    values = req.get_cookie_values(cookie_name(settings, name))
    return values[0] if values else None


def set_cookie(resp, settings, name, value, max_age=None, http_only=True):
    resp.set_cookie(cookie_name(settings, name), value, max_age=max_age, path="/", secure=secure(settings),
                    http_only=http_only, same_site="Lax")


def clear_cookie(resp, settings, name):
    resp.unset_cookie(cookie_name(settings, name), path="/")


def browser_id(req, resp, settings):
    """A random id per browser, made on first visit; the CSRF token is derived from it."""
    value = get_cookie(req, settings, BROWSER)
    if not value or len(value) < 32:
        value = secrets.token_urlsafe(32)
        set_cookie(resp, settings, BROWSER, value, max_age=365 * 24 * 3600)
    return value


def csrf_token(settings, browser):
    return hmac.new(settings.secret_key.encode(), f"csrf:{browser}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(settings, browser, token):
    return bool(token) and hmac.compare_digest(csrf_token(settings, browser), str(token))
