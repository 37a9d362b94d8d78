"""The web pages: server-rendered HTML (Jinja2) on the NL Design System, Dutch first."""
from pathlib import Path

import falcon

from ..routing import SLUG_PATTERN
from . import account, ambassadors, citizen, data_rights, election, mail, moderation, official, outreach, polls, webhooks
from .framework import mount_pages
from .theme import ThemeResource

HERE = Path(__file__).parent
VENDOR = {
    "/static/vendor/utrecht": HERE / "node_modules/@utrecht/component-library-css/dist",
    "/static/vendor/utrecht-tokens": HERE / "node_modules/@utrecht/design-tokens/dist",
}
PAGES = [*citizen.PAGES, *account.PAGES, *official.PAGES, *polls.PAGES, *election.PAGES, *webhooks.PAGES,
         *outreach.PAGES, *moderation.PAGES, *mail.PAGES, *data_rights.PAGES, *ambassadors.PAGES]


def mount(app, gateway):
    app.add_static_route("/static", str(HERE / "static"))
    for prefix, directory in VENDOR.items():
        if not directory.is_dir():
            raise SystemExit(f"web assets missing in {directory}: run `make install` (npm ci)")
        app.add_static_route(prefix, str(directory))
    app.add_route("/thema/{slug}.css", ThemeResource(gateway, citizen.org))
    app.add_route("/organisaties/{slug}/feed.atom", OldFeedAddress())
    mount_pages(app, gateway, PAGES)


class OldFeedAddress:
    """The organisation feed's first address: moved for good to the API's."""

    def on_get(self, req, resp, slug):
        if not SLUG_PATTERN.fullmatch(slug):
            raise falcon.HTTPNotFound()
        raise falcon.HTTPMovedPermanently(f"/api/v1/orgs/{slug}/feed.atom")
