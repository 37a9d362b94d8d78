"""The web pages: server-rendered HTML (Jinja2) on the NL Design System, Dutch first."""
from pathlib import Path

from . import account, ambassadors, citizen, election, official, polls, webhooks
from .framework import mount_pages
from .feed import FeedResource
from .theme import ThemeResource

HERE = Path(__file__).parent
VENDOR = {
    "/static/vendor/utrecht": HERE / "node_modules/@utrecht/component-library-css/dist",
    "/static/vendor/utrecht-tokens": HERE / "node_modules/@utrecht/design-tokens/dist",
}
PAGES = [*citizen.PAGES, *account.PAGES, *official.PAGES, *polls.PAGES, *election.PAGES, *webhooks.PAGES, *ambassadors.PAGES]


def mount(app, gateway):
    app.add_static_route("/static", str(HERE / "static"))
    for prefix, directory in VENDOR.items():
        if not directory.is_dir():
            raise SystemExit(f"web assets missing in {directory}: run `make install` (npm ci)")
        app.add_static_route(prefix, str(directory))
    app.add_route("/thema/{slug}.css", ThemeResource(gateway, citizen.org))
    app.add_route("/organisaties/{slug}/feed.atom", FeedResource(gateway, citizen.org))
    mount_pages(app, gateway, PAGES)

