"""The browser apps served by the nodes, driven in Chromium: live across pages and nodes."""

from __future__ import annotations

import secrets

from playwright.sync_api import Page, expect

from ..client import Api
from ..test_cross_node_http import create_proposal, submit

TIMEOUT = 20_000  # ms; every wait is an expect() with this deadline
expect.set_options(timeout=TIMEOUT)


def open_app(context, url: str, hubs: list[str]) -> Page:
    page = context.new_page()
    page.goto(url + "/")
    for hub in hubs:
        expect(page.locator(f"#hub-{hub}")).to_have_attribute("data-state", "live")
    expect(page.locator(".notice")).to_have_count(0)
    return page


def proposals_page(context, suite) -> Page:
    return open_app(context, suite.proposals.url, ["proposal", "package"])


def workflows_page(context, suite) -> Page:
    return open_app(context, suite.workflows.url, ["package"])


def proposal_card(page: Page, proposal_id: int):
    return page.locator(f'article.proposal[data-proposal-id="{proposal_id}"]')


def package_card(page: Page, section: str, package_id: int):
    return page.locator(f'#{section} article.package[data-package-id="{package_id}"]')


def snackbar(page: Page):
    return page.get_by_role("status")


def unique(name: str) -> str:
    return f"{name} {secrets.token_hex(3)}"


def test_pages_render_with_links_and_the_signalr_client(suite, context):
    for url in (suite.proposals.url, suite.workflows.url):
        page = context.new_page()
        page.goto(url + "/")
        for name, href in (("Swagger", "/swagger/"), ("API", "/api/"), ("Admin", "/admin/")):
            expect(page.get_by_role("link", name=name, exact=True)).to_have_attribute("href", href)
        assert page.request.get(url + "/static/signalr.min.js").ok
        page.close()


def test_create_submit_return_resubmit_approve_live(suite, context, screenshots):
    page_a = proposals_page(context, suite)
    page_b = proposals_page(context, suite)
    page_w = workflows_page(context, suite)
    title = unique("Budget")

    # create in A: it appears in B
    page_a.get_by_label("Title", exact=True).first.fill(title)
    page_a.locator("#create-form").get_by_label("Value").fill("Spend less on coffee")
    page_a.get_by_role("button", name="Create proposal").click()
    expect(snackbar(page_a)).to_have_attribute("data-kind", "ok")
    card_b = page_b.locator("article.proposal", has=page_b.get_by_role("heading", name=title))
    expect(card_b).to_be_visible()
    proposal_id = int(card_b.get_attribute("data-proposal-id"))
    card_a = proposal_card(page_a, proposal_id)
    expect(card_a.locator(".status-state")).to_have_text("Created")

    # submit a package from A: it appears in the workflows page, and on both proposal cards
    card_a.get_by_label("Package title").fill("Review")
    card_a.get_by_label("Package value").fill("Please review")
    card_a.get_by_role("button", name="Submit package").click()
    entity = page_w.locator("#active article.package", has_text=f"Proposal {proposal_id}")
    expect(entity).to_be_visible()
    package_id = int(entity.get_attribute("data-package-id"))
    for page in (page_a, page_b):
        expect(proposal_card(page, proposal_id).locator(".package-state")).to_have_text("Pending")
    expect(card_a.get_by_role("button", name="Submit package")).to_have_count(0)

    # return it in workflows; resubmit it from B
    package_card(page_w, "active", package_id).get_by_role("button", name="Return").click()
    expect(snackbar(page_w)).to_contain_text("return", ignore_case=True)
    expect(package_card(page_w, "active", package_id).locator(".package-state")).to_have_text("Returned")
    card_b = proposal_card(page_b, proposal_id)
    expect(card_b.locator(".package-state")).to_have_text("Returned")
    card_b.get_by_label("Package value").fill("Reviewed again")
    card_b.get_by_role("button", name="Resubmit").click()
    expect(package_card(page_w, "active", package_id).locator(".package-state")).to_have_text("Pending")
    expect(package_card(page_w, "active", package_id)).to_contain_text("Reviewed again")
    expect(card_a.locator(".package-state")).to_have_text("Pending")

    # approve in workflows: completed there, status Active in both proposal pages
    package_card(page_w, "active", package_id).get_by_role("button", name="Approve").click()
    expect(package_card(page_w, "completed", package_id).locator(".package-state")).to_have_text("Approved")
    expect(package_card(page_w, "active", package_id)).to_have_count(0)
    for page in (page_a, page_b):
        expect(proposal_card(page, proposal_id).locator(".status-state")).to_have_text("Active")
        expect(proposal_card(page, proposal_id).get_by_role("button", name="Submit package")).to_be_visible()
        expect(proposal_card(page, proposal_id).locator(".history-state")).to_have_text("Approved")

    # one more, left pending, so that the screenshots show both kinds of cards
    other = create_proposal(Api(suite.proposals.url), unique("Hiring"))
    pending = submit(Api(suite.proposals.url), other, title="Sign-off", value="Open two positions")
    expect(proposal_card(page_a, other["id"]).locator(".package-state")).to_have_text("Pending")
    expect(package_card(page_w, "active", pending["id"])).to_be_visible()
    page_a.screenshot(path=str(screenshots / "proposals-app.png"), full_page=True)
    page_w.screenshot(path=str(screenshots / "workflows-app.png"), full_page=True)


def test_edit_a_proposal(suite, context, proposals):
    page_a = proposals_page(context, suite)
    page_b = proposals_page(context, suite)
    proposal = create_proposal(proposals, unique("Edit me"))
    card = proposal_card(page_a, proposal["id"])
    card.get_by_role("button", name="Edit").click()
    card.get_by_label("Title", exact=True).fill("Edited title")
    card.get_by_role("button", name="Save").click()
    expect(proposal_card(page_b, proposal["id"]).locator("h3")).to_have_text("Edited title")
    expect(card.locator("h3")).to_have_text("Edited title")


def test_remove_a_proposal_with_an_active_package(suite, context, proposals):
    page_p = proposals_page(context, suite)
    page_w = workflows_page(context, suite)
    proposal = create_proposal(proposals, unique("Doomed"))
    package = submit(proposals, proposal)
    card = proposal_card(page_p, proposal["id"])
    expect(card.locator(".package-state")).to_have_text("Pending")  # linked by the saga
    expect(package_card(page_w, "active", package["id"])).to_be_visible()

    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page_p.once("dialog", accept)
    card.get_by_role("button", name="Remove").click()
    expect(card).to_have_count(0)
    expect(package_card(page_w, "active", package["id"])).to_have_count(0)
    expect(package_card(page_w, "completed", package["id"])).to_have_count(0)
    assert dialogs and "Remove proposal" in dialogs[0]


def test_dismissing_the_confirmation_keeps_the_proposal(suite, context, proposals):
    page = proposals_page(context, suite)
    proposal = create_proposal(proposals, unique("Kept"))
    card = proposal_card(page, proposal["id"])
    expect(card).to_be_visible()
    page.once("dialog", lambda dialog: dialog.dismiss())
    card.get_by_role("button", name="Remove").click()
    expect(card).to_be_visible()
    assert proposals.get(f"/api/proposal/getFromId/{proposal['id']}").status_code == 200


def test_a_validation_error_is_shown_and_changes_nothing(suite, context):
    page = proposals_page(context, suite)
    expect(page.locator("#proposals")).to_have_attribute("aria-busy", "false")
    before = page.locator("article.proposal").count()
    page.locator("#create-form").get_by_label("Title").fill("No value")
    page.get_by_role("button", name="Create proposal").click()
    expect(snackbar(page)).to_have_text("Value is required")
    expect(snackbar(page)).to_have_attribute("data-kind", "error")
    expect(page.locator("#create-form").get_by_label("Title")).to_have_value("No value")  # the form is kept
    expect(page.locator("article.proposal")).to_have_count(before)


def test_the_workflows_page_catches_up_after_a_restart(suite, context, proposals, workflows):
    page = workflows_page(context, suite)
    package = submit(proposals, create_proposal(proposals, unique("Restart")))
    expect(package_card(page, "active", package["id"])).to_be_visible()

    suite.workflows.stop()
    expect(page.locator("#hub-package")).not_to_have_attribute("data-state", "live")
    suite.workflows.start()
    approved = workflows.post("/api/package/approve", {"id": package["id"]})
    assert approved.status_code == 200, approved.text

    expect(package_card(page, "completed", package["id"]).locator(".package-state")).to_have_text("Approved")
    expect(package_card(page, "active", package["id"])).to_have_count(0)
    expect(page.locator("#hub-package")).to_have_attribute("data-state", "live")


def test_the_history_panel_shows_the_timeline_live(suite, context, proposals, workflows):
    proposal = create_proposal(proposals, unique("Traced"))
    package = submit(proposals, proposal, result="Active")
    page = proposals_page(context, suite)
    card = proposal_card(page, proposal["id"])
    expect(card.locator(".package-state")).to_have_text("Pending")
    card.locator("details.history-panel summary").click()
    entries = card.locator(".timeline-entry")
    expect(entries.first).to_contain_text(f"Proposal {proposal['id']} added")
    expect(card.locator(".timeline-entry.cause")).to_have_count(1)  # the submit on workflows, then its link here
    assert workflows.post("/api/package/approve", {"id": package["id"]}).status_code == 200
    expect(card.locator(".timeline-entry.cause")).to_have_count(2)  # the open panel follows the approval live
    expect(entries.last).to_contain_text("status Active")
    approved = card.locator(".timeline-entry.cause").last
    expect(approved).to_contain_text("workflows/package")
    trace_ids = {entries.last.get_attribute("data-trace-id"), approved.get_attribute("data-trace-id")}
    assert len(trace_ids) == 1 and len(trace_ids.pop()) == 32  # the approval and its effect: one trace
