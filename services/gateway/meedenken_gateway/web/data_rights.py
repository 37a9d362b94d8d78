"""The citizen's data rights on the profile: download my data, erase my account (with a choice for
what I wrote in public and a confirmation); they call the API's handlers."""
from ..api import me as me_api
from .framework import FormErrors, Page, Redirect
from .session import SESSION, clear_cookie


def download(web):
    archive = me_api.export_my_data(web.call())
    web.resp.content_type = archive.content_type
    web.resp.set_header("Content-Disposition", f'attachment; filename="{archive.filename}"')
    web.resp.data = archive.body


def erase(web):
    if web.req.method == "GET":
        web.render("account_erase.html")
        return
    contributions = web.form.get("bijdragen") if web.form.get("bijdragen") in ("anonymise", "remove") else "anonymise"
    if web.form.get("bevestigen") != "ja":
        raise FormErrors("account_erase.html", {}, {"confirm": ["required"]})
    me_api.erase_me(web.call(query={"contributions": contributions}))
    clear_cookie(web.resp, web.gateway.settings, SESSION)
    raise Redirect("/", "account_erased")


PAGES = [
    Page("GET", "/profiel/gegevens", download, auth="citizen"),
    Page("GET", "/profiel/verwijderen", erase, auth="citizen"),
    Page("POST", "/profiel/verwijderen", erase, auth="citizen"),
]
