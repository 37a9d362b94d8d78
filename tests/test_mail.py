"""E-mail notifications over real SMTP (scripts/smtp_sink.py, started for the session): nothing but
the confirmation before an address is confirmed, a mail at once, a digest with the right items
once, one-click unsubscribe without logging in, and a refused mail retried without sending it twice."""
import sys
import uuid

import pytest
import requests
from pymongo import MongoClient

from conftest import ROOT, eventually
from journey import PASSWORD, inbox, register_and_login
from test_account_security import CONFIRM_MAIL, mailed_token

sys.path.insert(0, str(ROOT / "services" / "gateway"))
from meedenken_gateway.rpc import RpcClient  # noqa: E402


@pytest.fixture(scope="module")
def world(api, cli, platform):
    run = uuid.uuid4().hex[:6]
    org = f"mailgemeente-{run}"
    assert cli("create-org", org, "Gemeente Maildorp").returncode == 0
    official_email = f"mail-ambtenaar-{run}@example.nl"
    assert cli("create-user", "--org", org, "--email", official_email, "--password", PASSWORD,
               "--role", "official").returncode == 0
    official = api.post("/api/v1/auth/login", {"email": official_email, "password": PASSWORD}).json()["token"]
    topics = []
    for title in ("Bomen in de Dorpsstraat", "Een nieuwe brug"):
        topic = api.post("/api/v1/topics", {"org": org, "title": title, "summary": "Denk mee."}, token=official)
        assert topic.status_code == 201, topic.text
        assert api.post(f"/api/v1/topics/{topic.json()['id']}/phase", {"phase": "consult"},
                        token=official).status_code == 200
        topics.append(topic.json()["id"])
    return {"official": official, "topics": topics}


@pytest.fixture(scope="module")
def notifications_db(platform):
    client = MongoClient(platform.mongo_uri, tz_aware=True)
    yield client[f"{platform.db_prefix}notifications"]
    client.close()


@pytest.fixture(scope="module")
def rpc(platform):
    client = RpcClient(platform.amqp_uri, timeout=10)
    yield client
    client.close()


def citizen(api, prefix="mail"):
    email = f"{prefix}-{uuid.uuid4().hex[:8]}@example.nl"
    return email, register_and_login(api, prefix.title(), email)[1]


def confirm(api, mailbox, email):
    token = mailed_token(mailbox, email, CONFIRM_MAIL)
    assert api.post("/api/v1/auth/email-confirm", {"token": token}).status_code == 204


def follow_with(api, token, topic_id, frequency):
    assert api.post(f"/api/v1/topics/{topic_id}/follow", token=token).status_code == 204
    answer = api.put("/api/v1/me/mail-preferences", {"frequency": frequency}, token=token)
    assert answer.status_code == 200 and answer.json()["frequency"] == frequency, answer.text


def statement(api, world, topic_id, text):
    answer = api.post(f"/api/v1/topics/{topic_id}/statements", {"text": text}, token=world["official"])
    assert answer.status_code == 201, answer.text


def notification_mails(mailbox, email):
    return [m for m in mailbox.messages(email) if CONFIRM_MAIL not in m["Subject"]]


def test_an_unconfirmed_address_gets_nothing_but_the_confirmation(api, mailbox, world):
    topic = world["topics"][0]
    waiting_email, waiting = citizen(api, "onbevestigd")
    witness_email, witness = citizen(api, "getuige")
    confirm(api, mailbox, witness_email)
    for token in (waiting, witness):
        follow_with(api, token, topic, "immediately")
    assert api.get("/api/v1/me/mail-preferences", token=waiting).json()["email_confirmed"] is False
    statement(api, world, topic, "De bomen moeten blijven staan.")
    mailbox.wait_for(witness_email, "De bomen moeten blijven staan")  # the same event reached both
    eventually(lambda: inbox(api, waiting))
    assert [m["Subject"] for m in mailbox.messages(waiting_email)] == ["Bevestig uw e-mailadres voor Meedenken"]

    confirm(api, mailbox, waiting_email)
    assert api.get("/api/v1/me", token=waiting).json()["email_confirmed"] is True
    statement(api, world, topic, "Er moeten meer bomen bij.")
    mail = mailbox.wait_for(waiting_email, "Er moeten meer bomen bij")[0]
    assert [m["Subject"] for m in notification_mails(mailbox, waiting_email)] == [mail["Subject"]]


def test_an_immediate_mail_has_plain_text_and_one_click_unsubscribe(api, mailbox, world):
    topic = world["topics"][0]
    email, token = citizen(api, "direct")
    confirm(api, mailbox, email)
    follow_with(api, token, topic, "immediately")
    statement(api, world, topic, "Fietsers krijgen voorrang.")
    mail = mailbox.wait_for(email, "Fietsers krijgen voorrang")[0]
    assert mail["Subject"] == "Nieuwe stelling bij ‘Bomen in de Dorpsstraat’: Fietsers krijgen voorrang."
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<http") and mail["Content-Language"] == "nl"
    text = mail.get_body(("plain",)).get_content()
    assert f"/onderwerpen/{topic}" in text and "afmelden" in text


def test_the_unsubscribe_link_works_without_login_and_stops_mail(api, mailbox, world, platform):
    topic = world["topics"][0]
    email, token = citizen(api, "afmelder")
    witness_email, witness = citizen(api, "blijver")
    for address, who in ((email, token), (witness_email, witness)):
        confirm(api, mailbox, address)
        follow_with(api, who, topic, "immediately")
    statement(api, world, topic, "Het plein wordt groener.")
    link = mailbox.wait_for(email, "Het plein wordt groener")[0]["List-Unsubscribe"].strip("<>")
    assert link.startswith(platform.url + "/afmelden?token=")

    anonymous = requests.Session()
    page = anonymous.get(link, timeout=10)
    assert page.status_code == 200 and "Ja, afmelden" in page.text
    forged = anonymous.post(link[:-3] + "abc", data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert forged.status_code == 422
    assert api.get("/api/v1/me/mail-preferences", token=token).json()["frequency"] == "immediately"
    # a mail program's one-click POST: no cookie, no form of ours (RFC 8058)
    done = anonymous.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert done.status_code == 200 and "U bent afgemeld" in done.text
    assert api.get("/api/v1/me/mail-preferences", token=token).json()["frequency"] == "never"

    statement(api, world, topic, "Het plein krijgt bankjes.")
    mailbox.wait_for(witness_email, "Het plein krijgt bankjes")
    eventually(lambda: any("bankjes" in n["title"] for n in inbox(api, token)))
    assert not [m for m in mailbox.messages(email) if "bankjes" in m["Subject"]]


def test_a_digest_groups_its_items_by_topic_and_sends_each_once(api, mailbox, world, rpc, notifications_db):
    first, second = world["topics"]
    email, token = citizen(api, "overzicht")
    confirm(api, mailbox, email)
    follow_with(api, token, first, "daily")
    assert api.post(f"/api/v1/topics/{second}/follow", token=token).status_code == 204
    statement(api, world, first, "Eiken of linden?")
    statement(api, world, second, "De brug wordt een fietsbrug.")
    account_id = api.get("/api/v1/me", token=token).json()["id"]
    eventually(lambda: notifications_db.notifications.count_documents({"account_id": account_id, "mail": "daily"}) == 2)

    assert rpc.call("notifications", "send_digest", {"frequency": "daily"}) >= 1
    mail = mailbox.wait_for(email, "dagelijkse overzicht")[0]
    assert mail["Subject"] == "Uw dagelijkse overzicht van Meedenken (2 nieuw)"
    text = mail.get_body(("plain",)).get_content()
    assert text.index("‘Bomen in de Dorpsstraat’") < text.index("Eiken of linden?") < \
        text.index("‘Een nieuwe brug’") < text.index("De brug wordt een fietsbrug.")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert rpc.call("notifications", "send_digest", {"frequency": "daily"}) == 0  # nothing new
    statement(api, world, second, "De brug krijgt verlichting.")
    eventually(lambda: notifications_db.notifications.count_documents({"account_id": account_id, "mail": "daily"}) == 1)
    rpc.call("notifications", "send_digest", {"frequency": "daily"})
    later = mailbox.wait_for(email, "dagelijkse overzicht", count=2)[1]
    assert later["Subject"] == "Uw dagelijkse overzicht van Meedenken (1 nieuw)"
    assert "verlichting" in later.get_content() and "Eiken" not in later.get_content()


def test_a_language_and_a_topic_of_its_own(api, mailbox, world):
    first, second = world["topics"]
    email, token = citizen(api, "english")
    confirm(api, mailbox, email)
    for topic in (first, second):
        assert api.post(f"/api/v1/topics/{topic}/follow", token=token).status_code == 204
    answer = api.put("/api/v1/me/mail-preferences", {
        "frequency": "never", "language": "en", "topics": [{"topic_id": second, "frequency": "immediately"}]},
        token=token)
    assert answer.status_code == 200, answer.text
    assert {t["topic_id"]: t["frequency"] for t in answer.json()["topics"]} == {first: None, second: "immediately"}
    statement(api, world, first, "Alleen in de app.")
    statement(api, world, second, "Ook per mail.")
    mail = mailbox.wait_for(email, "Ook per mail")[0]
    assert mail["Subject"] == "New statement on ‘Een nieuwe brug’: Ook per mail." and mail["Content-Language"] == "en"
    eventually(lambda: len(inbox(api, token)) == 2)
    assert len(notification_mails(mailbox, email)) == 1


def test_a_refused_mail_is_sent_again_once(api, mailbox, world, notifications_db):
    """The SMTP server refuses each mail to a fail-once address the first time (451)."""
    topic = world["topics"][0]
    email, token = citizen(api, "fail-once")
    confirm(api, mailbox, email)  # the gateway's mail was refused once, then sent
    follow_with(api, token, topic, "immediately")
    statement(api, world, topic, "Een tweede poging.")
    mailbox.wait_for(email, "Een tweede poging")
    account_id = api.get("/api/v1/me", token=token).json()["id"]
    job = eventually(lambda: notifications_db.mail_jobs.find_one({"account_id": account_id, "state": "sent"}))
    assert job["attempts"] == 2
    assert [m["Subject"] for m in mailbox.messages(email)].count("Bevestig uw e-mailadres voor Meedenken") == 1
    assert len(notification_mails(mailbox, email)) == 1


def test_mail_data_is_exported_and_erased(api, mailbox, world, rpc):
    email, token = citizen(api, "gegevens")
    confirm(api, mailbox, email)
    account_id = api.get("/api/v1/me", token=token).json()["id"]

    def mail_part():
        return rpc.call("notifications", "export_account_data", {"account_id": account_id})["parts"]["mail"]
    assert mail_part()["mail_settings"]["email"] == email and mail_part()["mails"] == []
    assert api.delete("/api/v1/me", token=token).status_code == 202
    eventually(lambda: mail_part() == {"mail_settings": None, "mails": []})
