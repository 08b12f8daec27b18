"""The apps as deployed (DEBUG=0), in Chromium: a sign-in form, who is signed in, only the allowed actions."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from ..people import PASSWORD, token_api

expect.set_options(timeout=20_000)


def sign_in(context, url: str, username: str) -> Page:
    page = context.new_page()
    page.goto(url + "/")
    form = page.locator("#sign-in-form")
    expect(form).to_be_visible()
    expect(page.locator("#proposals, #active")).to_have_count(0)  # no app before signing in
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in-as")).to_have_text(f"Signed in as {username}")
    return page


def new_package(suite) -> dict:
    proposals = token_api(suite.proposals.url, "proposer")
    proposal = proposals.post("/api/proposal/save", {"title": f"P {secrets.token_hex(3)}", "value": "v"}).json()
    body = {"title": "Review", "value": "Please", "entityId": proposal["data"]["id"], "entityType": "Proposal"}
    return proposals.post("/api/workflows/submitPackage", body).json()["data"]


def package_card(page: Page, section: str, package_id: int):
    return page.locator(f'#{section} article.package[data-package-id="{package_id}"]')


def test_a_wrong_password_is_said_and_nothing_shown(closed_apps, context):
    page = context.new_page()
    page.goto(closed_apps.workflows.url + "/")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page.locator("#signed-in-as")).to_have_count(0)


def test_a_viewer_sees_packages_without_the_decisions(closed_apps, context):
    package = new_package(closed_apps)
    page = sign_in(context, closed_apps.workflows.url, "viewer")
    card = package_card(page, "active", package["id"])
    expect(card).to_be_visible()
    expect(card.locator(".submitted-by")).to_have_text("Submitted by proposer")
    expect(page.locator("#hub-package")).to_have_attribute("data-state", "live")
    for decision in ("Approve", "Reject", "Return"):
        expect(card.get_by_role("button", name=decision)).to_have_count(0)


def test_an_approver_decides_and_is_recorded(closed_apps, context):
    package = new_package(closed_apps)
    page = sign_in(context, closed_apps.workflows.url, "approver")
    expect(page.locator("#hub-package")).to_have_attribute("data-state", "live")
    package_card(page, "active", package["id"]).get_by_role("button", name="Approve").click()
    done = package_card(page, "completed", package["id"])
    expect(done.locator(".package-state")).to_have_text("Approved")
    expect(done.locator(".decided-by")).to_contain_text("Approved by approver")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#sign-in-form")).to_be_visible()


def test_a_proposer_works_in_the_proposals_app_and_follows_workflows_once_signed_in_there(closed_apps, context):
    page = sign_in(context, closed_apps.proposals.url, "proposer")
    expect(page.locator("#hub-proposal")).to_have_attribute("data-state", "live")
    expect(page.locator("#hub-package")).to_have_attribute("data-state", "refused")  # not signed in to workflows
    title = f"Budget {secrets.token_hex(3)}"
    page.locator("#create-form").get_by_label("Title").fill(title)
    page.locator("#create-form").get_by_label("Value").fill("Spend less")
    page.get_by_role("button", name="Create proposal").click()
    card = page.locator("article.proposal", has=page.get_by_role("heading", name=title))
    expect(card).to_be_visible()
    card.get_by_label("Package title").fill("Review")
    card.get_by_label("Package value").fill("Please")
    card.get_by_role("button", name="Submit package").click()
    expect(card.locator(".submitted-by")).to_have_text("Submitted by proposer")
    sign_in(context, closed_apps.workflows.url, "approver")  # the same browser, the workflows node
    expect(page.locator("#hub-package")).to_have_attribute("data-state", "live")


def test_a_viewer_of_proposals_gets_no_button_to_change_them(closed_apps, context):
    token_api(closed_apps.proposals.url, "proposer").post("/api/proposal/save", {"title": "Seen", "value": "v"})
    page = sign_in(context, closed_apps.proposals.url, "viewer")
    expect(page.locator("article.proposal").first).to_be_visible()
    expect(page.locator("#create-form")).to_have_count(0)
    for label in ("Edit", "Remove", "Submit package", "Withdraw package"):
        expect(page.get_by_role("button", name=label)).to_have_count(0)
