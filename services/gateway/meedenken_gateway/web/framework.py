"""How a page is served: session and language from cookies, CSRF on every POST, forms validated
with the same marshmallow schemas as the API, POST-redirect-GET with a status message, and errors
shown as Dutch (or English) pages rather than problem+json."""
import logging
import urllib.parse
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import falcon
import jinja2
from marshmallow import ValidationError

from .. import accounts, erasure
from ..problems import Problem, from_remote
from ..routing import Call
from ..rpc import RemoteError, ServiceUnavailable
from . import i18n, session

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
MAX_FORM = 64 * 1024


@dataclass(frozen=True)
class Page:
    method: str
    path: str
    handler: object
    auth: str = "anonymous"  # or "citizen": logged in (officials are checked by the services)
    form: bool = True  # False: a POST whose body is not read (nor its CSRF token checked: see web/mail.py)


class Redirect(Exception):
    def __init__(self, location, flash=None):
        super().__init__(location)
        self.location = location
        self.flash = flash


class FormErrors(Exception):
    """Re-render the form with its errors (422)."""

    def __init__(self, template, context, errors):
        super().__init__(template)
        self.template, self.context, self.errors = template, context, errors


def author(erased, name):
    """A name as shown: an erased account's in the page's language (docs/privacy.md)."""
    return erased if name == erasure.ERASED_NAME else name


class Renderer:
    def __init__(self):
        self.environments = {}
        for lang in i18n.LANGUAGES:
            env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
            translations = i18n.load(lang)
            env.install_gettext_translations(translations, newstyle=True)
            env.filters.update(i18n.formatters(lang))
            env.filters["author"] = partial(author, translations.gettext("verwijderde deelnemer"))
            self.environments[lang] = env

    def render(self, lang, template, context):
        return self.environments[lang].get_template(template).render(**context)


class Web:
    """What a page handler works with for one request."""

    def __init__(self, req, resp, gateway, renderer):
        self.req, self.resp, self.gateway, self.renderer = req, resp, gateway, renderer
        settings = gateway.settings
        self.browser = session.browser_id(req, resp, settings)
        self.lang = i18n.pick(req.get_param("lang"), session.get_cookie(req, settings, session.LANGUAGE))
        if req.get_param("lang") in i18n.LANGUAGES:
            session.set_cookie(resp, settings, session.LANGUAGE, self.lang, max_age=365 * 24 * 3600)
        self.translations = renderer.environments[self.lang]
        self.account = self._account()
        self.form = {}

    def _account(self):
        token = session.get_cookie(self.req, self.gateway.settings, session.SESSION)
        return self.gateway.account_for_token(token, cached=False) if token else None

    def gettext(self, message, **values):
        text = self.translations.globals["gettext"](message)
        return text % values if values else text

    def call(self, body=None, query=None):
        """The API's Call for this request, so pages make exactly the API's service calls."""
        return Call(self.req, self.gateway, self.account, body, query or {})

    @property
    def csrf_token(self):
        return session.csrf_token(self.gateway.settings, self.browser)

    def read_form(self):
        if (self.req.content_type or "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise Problem(415, "Send the form as application/x-www-form-urlencoded.")
        raw = self.req.bounded_stream.read(MAX_FORM + 1)
        if len(raw) > MAX_FORM:
            raise Problem(413, "The form is too large.")
        pairs = urllib.parse.parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        self.form = {}
        for key, value in pairs:
            self.form.setdefault(key, value)
        if not session.csrf_ok(self.gateway.settings, self.browser, self.form.pop("csrf_token", None)):
            raise Problem(403, "The form has expired or did not come from this site; please try again.")
        return self.form

    def validate(self, schema_class, data, template, context):
        try:
            return schema_class().load(data)
        except ValidationError as exc:
            # the form is shown again as typed (its own field names), with the errors
            raise FormErrors(template, {**context, "values": self.form}, exc.messages) from None

    def render(self, template, status=200, **context):
        flash = session.get_cookie(self.req, self.gateway.settings, session.FLASH)
        if flash:
            session.clear_cookie(self.resp, self.gateway.settings, session.FLASH)
        base = {"me": self.account and accounts.public(self.account), "lang": self.lang, "csrf_token": self.csrf_token,
                "path": self.req.relative_uri, "flash": flash, "languages": i18n.LANGUAGE_NAMES,
                "public_url": self.gateway.settings.public_url, "errors": {}, "values": {}}
        self.resp.status = falcon.code_to_http_status(status)
        self.resp.content_type = "text/html; charset=utf-8"
        self.resp.text = self.renderer.render(self.lang, template, {**base, **context})


def safe_next(value, default="/"):
    """Only same-site paths are followed after a form (no open redirects)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


class PageResource:
    def __init__(self, gateway, renderer, pages):
        self.gateway, self.renderer = gateway, renderer
        self.pages = {page.method: page for page in pages}
        for method in self.pages:
            setattr(self, f"on_{method.lower()}", self._serve)

    def _serve(self, req, resp, **params):
        page = self.pages[req.method]
        web = Web(req, resp, self.gateway, self.renderer)
        try:
            if req.method == "POST" and page.form:
                web.read_form()
            if page.auth != "anonymous" and web.account is None:
                raise Redirect("/inloggen?" + urllib.parse.urlencode({"terug": req.relative_uri}), "login_needed")
            page.handler(web, **params)
        except Redirect as redirect:
            if redirect.flash:
                session.set_cookie(resp, self.gateway.settings, session.FLASH, redirect.flash, max_age=60)
            resp.status = falcon.HTTP_303
            resp.location = redirect.location
            resp.text = None
        except FormErrors as failed:
            web.render(failed.template, status=422, **{**failed.context, "errors": failed.errors})
        except (RemoteError, ServiceUnavailable) as exc:
            self._error(web, from_remote(exc))
        except Problem as problem:
            self._error(web, problem)

    def render_problem(self, req, resp, problem):
        """The error page for a problem found before the page runs (e.g. a 429 from the limits)."""
        self._error(Web(req, resp, self.gateway, self.renderer), problem)

    @staticmethod
    def _error(web, problem):
        web.render("error.html", status=problem.status, problem=problem)
        for name, value in problem.headers.items():  # e.g. Retry-After with a 429
            web.resp.set_header(name, value)


class NotFoundPage:
    """A page, not problem+json, for addresses outside the API that match nothing."""

    def __init__(self, gateway, renderer):
        self.gateway, self.renderer = gateway, renderer

    def __call__(self, req, resp, **params):
        web = Web(req, resp, self.gateway, self.renderer)
        PageResource._error(web, Problem(404, "No page at this address."))


def mount_pages(app, gateway, pages):
    renderer = Renderer()
    by_path = {}
    for page in pages:
        by_path.setdefault(page.path, []).append(page)
    for path, path_pages in by_path.items():
        app.add_route(path, PageResource(gateway, renderer, path_pages))
    app.add_sink(NotFoundPage(gateway, renderer), prefix=r"/(?!api/|static/|healthz|readyz)")
    return renderer
