"""Pages of co-decide: a poll with its ballot form (every kind usable by keyboard), the receipt of
a secret ballot and its check, results as a table with bars; officials schedule a poll from the
topic workspace; citizens verify their address on their profile. The pages call the API's handlers."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from ..api import me as me_api, polls as polls_api, topics as topics_api
from ..problems import Problem
from ..routing import require_id
from ..rpc import RemoteError
from ..schemas import PollIn, ResidencyIn
from .citizen import org
from .framework import FormErrors, Page, Redirect
from .official import require_official

LOCAL = ZoneInfo("Europe/Amsterdam")  # what officials type in a datetime-local field


def poll_url(poll_id):
    return f"/stemmingen/{poll_id}"


def poll_page(web, poll_id, status=200, **context):
    poll = polls_api.get_poll(web.call(), require_id(poll_id, "Poll"))
    results = None
    if poll["status"] == "closed" or (poll["status"] == "open" and not poll["secret"]):
        results = polls_api.results(web.call(), poll_id)
    web.render("poll.html", status=status, poll=poll, results=results, org=org(web.gateway, poll["org"]),
               labels={option["id"]: option["label"] for option in poll["options"]}, **context)


def ballot_from_form(poll, form):
    """The ballot a form describes: checked options (``keuze-<id>``, or one ``keuze`` for a
    single choice), or for a ranked poll the options in the order of the numbers chosen."""
    ids = [option["id"] for option in poll["options"]]
    if poll["kind"] == "single":
        return {"choices": [form["keuze"]] if form.get("keuze") else []}
    if poll["kind"] == "ranked":
        ranks = {option_id: form.get(f"rang-{option_id}", "") for option_id in ids}
        numbered = {option_id: int(rank) for option_id, rank in ranks.items() if rank.isdigit()}
        if len(set(numbered.values())) != len(numbered):
            raise ValueError("same_rank")
        return {"ranking": sorted(numbered, key=numbered.get)}
    chosen = [option_id for option_id in ids if form.get(f"keuze-{option_id}")]
    return {"allocation" if poll["kind"] == "budget" else "choices": chosen}


def vote(web, poll_id):
    poll = polls_api.get_poll(web.call(), require_id(poll_id, "Poll"))
    try:
        ballot = ballot_from_form(poll, web.form)
        cast = polls_api.cast_ballot(web.call(body=ballot), poll_id)
    except ValueError:
        return poll_page(web, poll_id, status=422, ballot_error="same_rank")
    except RemoteError as exc:
        if exc.exc_type != "InvalidInput":
            raise
        return poll_page(web, poll_id, status=422, ballot_error=ballot_problem(exc.errors))
    if "receipt" in cast:  # shown once, never in a URL (docs/secret-ballot.md)
        return poll_page(web, poll_id, receipt=cast["receipt"])
    raise Redirect(poll_url(poll_id), "voted")


def ballot_problem(errors):
    text = " ".join(str(message) for messages in errors.values() for message in messages)
    for needle, key in (("budget", "over_budget"), ("at most", "too_many"), ("at least one", "none_chosen"),
                        ("exactly one", "none_chosen")):
        if needle in text:
            return key
    return "invalid"


def check_receipt(web, poll_id):
    code = "".join(ch for ch in web.form.get("bewijs", "").upper() if ch.isalnum())
    try:
        found = polls_api.check_receipt(web.call(), poll_id, code)
    except RemoteError as exc:
        if exc.exc_type not in ("NotFound", "InvalidInput"):
            raise
        found = None
    return poll_page(web, poll_id, receipt_check={"found": found})


def local_time(value, default=None):
    """RFC 3339 (with offset) of what an official typed in a datetime-local field (Dutch time)."""
    if not value.strip():
        return default
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=LOCAL).isoformat(timespec="seconds")
    except ValueError:
        return value


def options_from(text, budget):
    """One option per line; in a budget poll ``label | cost``."""
    options = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _, cost = line.partition("|")
        option = {"label": label.strip()}
        if budget:
            option["cost"] = int(cost.strip()) if cost.strip().isdigit() else None
        options.append(option)
    return options


def poll_form(form):
    kind = form.get("soort", "")
    data = {"question": form.get("vraag", "").strip(), "kind": kind,
            "options": options_from(form.get("opties", ""), kind == "budget"),
            "opens_at": local_time(form.get("opent", ""), datetime.now(timezone.utc).isoformat(timespec="seconds")),
            "closes_at": local_time(form.get("sluit", ""), ""), "binding": bool(form.get("bindend")),
            "secret": bool(form.get("geheim")), "electorate": form.get("kiezers", "")}
    for field, name in (("max_choices", "max_keuzes"), ("budget", "budget"), ("quorum", "quorum")):
        if form.get(name, "").strip():
            data[field] = form[name].strip()
    return data


def new_poll(web, topic_id):
    topic = topics_api.topic_page(web.call(), require_id(topic_id, "Topic"))
    require_official(web, topic["org"])
    context = {"topic": topic, "org": org(web.gateway, topic["org"])}
    if web.req.method == "POST":
        body = web.validate(PollIn, poll_form(web.form), "poll_new.html", context)
        try:
            created = polls_api.create_poll(web.call(body=body), topic_id)
        except RemoteError as exc:
            if exc.exc_type != "InvalidInput":
                raise
            raise FormErrors("poll_new.html", {**context, "values": web.form}, exc.errors) from None
        raise Redirect(poll_url(created["id"]), "poll_created")
    web.render("poll_new.html", **context)


def cancel_poll(web, poll_id):
    poll = polls_api.get_poll(web.call(), require_id(poll_id, "Poll"))
    polls_api.cancel_poll(web.call(), poll_id)
    raise Redirect(f"/beheer/onderwerpen/{poll['topic_id']}#stemmingen", "poll_cancelled")


def verify_residency(web):
    data = {"org": web.form.get("organisatie", ""), "code": web.form.get("code", "").strip()}
    context = {"organisations": web.gateway.rpc.call("topics", "list_orgs")}
    body = web.validate(ResidencyIn, data, "profile.html", context)
    try:
        me_api.verify_residency(web.call(body=body))
    except Problem as problem:
        if problem.status != 422:
            raise
        raise FormErrors("profile.html", {**context, "values": web.form},
                         {"code": ["code_" + problem.errors["code"][0]]}) from None
    raise Redirect("/profiel#woonplaats", "residency_verified")


PAGES = [
    Page("GET", "/stemmingen/{poll_id}", poll_page),
    Page("POST", "/stemmingen/{poll_id}/stem", vote, auth="citizen"),
    Page("POST", "/stemmingen/{poll_id}/bewijs", check_receipt),
    Page("GET", "/beheer/onderwerpen/{topic_id}/stemmingen/nieuw", new_poll, auth="citizen"),
    Page("POST", "/beheer/onderwerpen/{topic_id}/stemmingen/nieuw", new_poll, auth="citizen"),
    Page("POST", "/beheer/stemmingen/{poll_id}/annuleren", cancel_poll, auth="citizen"),
    Page("POST", "/profiel/woonplaats", verify_residency, auth="citizen"),
]
