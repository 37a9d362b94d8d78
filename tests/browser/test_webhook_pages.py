"""The workspace's webhooks page in the browser: an administrator is refused a private address,
registers a webhook (the secret shown once), sees its deliveries and deletes it; an official only
reads. axe on each state. Nothing is sent anywhere but loopback."""
import uuid

from journey import PASSWORD
from stack import free_port
from .conftest import login
from .test_official_pages import assert_accessible, submit


def test_an_administrator_manages_webhooks(page, site, cli):
    email = f"beheerder-{uuid.uuid4().hex[:6]}@example.nl"
    out = cli("create-user", "--org", site.org, "--email", email, "--password", PASSWORD, "--role", "admin")
    assert out.returncode == 0, out.stderr
    login(page, email, PASSWORD)
    page.goto(f"/beheer/{site.org}")
    page.get_by_role("link", name="Webhooks voor koppelingen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Webhooks"
    assert page.get_by_text("Er zijn nog geen webhooks.").is_visible()
    assert_accessible(page, "webhooks")

    page.get_by_label("Adres (https)").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_label("poll.cancelled.v1").check()
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Registreren").click()
    assert navigation.value.status == 422
    assert page.locator("#veld-url[aria-invalid=true]").count() == 1
    assert page.get_by_label("poll.cancelled.v1").is_checked()
    assert_accessible(page, "webhooks-refused")

    url = f"http://127.0.0.1:{free_port()}/meedenken"
    page.get_by_label("Adres (https)").fill(url)
    page.get_by_label("Omschrijving").fill("Zaaksysteem")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Registreren").click()
    assert navigation.value.status == 201
    assert page.locator("#geheim").inner_text().startswith("whsec_")
    assert page.get_by_role("heading", name=url).is_visible()
    assert_accessible(page, "webhooks-registered")
    page.goto(f"/beheer/{site.org}/webhooks")  # shown once
    assert page.locator("#geheim").count() == 0

    page.get_by_role("link", name=url).click()
    assert page.get_by_text("Nog geen afleveringen.").is_visible()
    assert_accessible(page, "webhook-deliveries")
    deliveries_url = page.url
    page.goto("/beheer/webhooks/" + deliveries_url.rsplit("/", 1)[1])  # the link of a disabled-webhook notice
    assert page.url == deliveries_url

    page.goto(f"/beheer/{site.org}/webhooks")
    assert "De webhook is verwijderd." in submit(page, page.get_by_role("button", name=f"Verwijderen {url}"))
    assert page.get_by_text("Er zijn nog geen webhooks.").is_visible()


def test_officials_read_webhooks_but_do_not_register(page, site):
    login(page, site.official["email"], site.official["password"])
    answer = page.goto(f"/beheer/{site.org}/webhooks")
    assert answer.status == 200
    assert page.get_by_role("button", name="Registreren").count() == 0


def test_citizens_do_not_see_webhooks(page, site):
    login(page, site.reader["email"], site.reader["password"])
    assert page.goto(f"/beheer/{site.org}/webhooks").status == 403
