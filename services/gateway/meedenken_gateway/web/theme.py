"""An organisation's house style as a stylesheet of NL Design System tokens, served at
/thema/{slug}.css and loaded after the base theme, so each organisation looks like itself."""
import falcon

from ..rpc import RemoteError

TEMPLATE = """.meedenken-org-theme {{
  --meedenken-primary: {primary_color};
  --meedenken-primary-text: {primary_text_color};
  --meedenken-accent: {accent_color};
  --utrecht-document-font-family: {font_family};
  --utrecht-heading-font-family: {font_family};
  --utrecht-heading-1-font-family: {font_family};
  --utrecht-heading-2-font-family: {font_family};
  --utrecht-heading-3-font-family: {font_family};
  --utrecht-button-primary-action-background-color: {primary_color};
  --utrecht-button-primary-action-border-color: {primary_color};
  --utrecht-button-primary-action-color: {primary_text_color};
  --utrecht-button-primary-action-hover-background-color: {primary_color};
  --utrecht-button-primary-action-hover-color: {primary_text_color};
  --utrecht-button-secondary-action-border-color: {primary_color};
  --utrecht-button-secondary-action-color: {primary_color};
  --utrecht-link-color: {primary_color};
  --utrecht-link-hover-color: {primary_color};
  --utrecht-link-visited-color: {primary_color};
  --utrecht-page-header-background-color: {primary_color};
  --utrecht-page-header-color: {primary_text_color};
  --utrecht-page-header-content-background-color: {primary_color};
  --utrecht-page-header-content-color: {primary_text_color};
  --utrecht-page-footer-background-color: {primary_color};
  --utrecht-page-footer-background-image: none;
  --utrecht-page-footer-color: {primary_text_color};
  --utrecht-heading-color: {primary_color};
}}
"""


class OrgResource:
    """A public, cacheable document about one organisation (its theme)."""

    def __init__(self, gateway, find_org):
        self.gateway = gateway
        self.find_org = find_org

    def org_or_404(self, slug):
        try:
            return self.find_org(self.gateway, slug)
        except RemoteError as exc:
            if exc.exc_type == "NotFound":
                raise falcon.HTTPNotFound() from None
            raise


class ThemeResource(OrgResource):
    def on_get(self, req, resp, slug):
        org = self.org_or_404(slug)
        resp.content_type = "text/css; charset=utf-8"
        resp.cache_control = ["public", "max-age=300"]
        resp.text = TEMPLATE.format(**org["theme"])
