"""Under the nodes' Content-Security-Policy the apps, the sign-in page and Swagger UI work, and Chromium reports
no violation: no inline script or style they need, every node the apps call allowed (the workflows hub
from the proposals page, a WebSocket to another port)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ..people import PASSWORD

expect.set_options(timeout=20_000)


def watched(context) -> tuple[Page, list[str]]:
    """A new page, and the list its Content-Security-Policy violations (as Chromium reports them) go to."""
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    return page, violations


def test_the_apps_follow_both_hubs_without_a_violation(suite, context):
    for url, hubs in ((suite.proposals.url, ["proposal", "package"]), (suite.workflows.url, ["package"])):
        page, violations = watched(context)
        answer = page.goto(url + "/")
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        for hub in hubs:  # the proposals page follows the workflows hub too: another origin, over ws://
            expect(page.locator(f"#hub-{hub}")).to_have_attribute("data-state", "live")
        expect(page.locator("#proposals, #active").first).to_have_attribute("aria-busy", "false")
        assert violations == []
        page.close()


def test_swagger_ui_shows_the_operations_without_a_violation(suite, context):
    for url in (suite.proposals.url, suite.workflows.url):
        page, violations = watched(context)
        page.goto(url + "/swagger/")
        expect(page.locator(".opblock").first).to_be_visible()  # the operations, read from /schema/
        page.locator(".opblock-summary").first.click()
        expect(page.locator(".try-out__btn").first).to_be_visible()
        assert violations == []
        page.close()


def test_signing_in_and_the_lockout_page_without_a_violation(closed_apps, context):
    page, violations = watched(context)
    page.goto(closed_apps.workflows.url + "/accounts/login/")
    for attempt in range(5):  # the username's limit: the fifth failure is refused as too many
        page.get_by_label("Username").fill("stranger")
        page.get_by_label("Password").fill(f"not the password {attempt}")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    expect(page.locator("#locked-out")).to_contain_text("Too many failed sign-ins")
    page.goto(closed_apps.workflows.url + "/accounts/login/?next=/")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in-as")).to_have_text("Signed in as viewer")
    expect(page.locator("#hub-package")).to_have_attribute("data-state", "live")
    assert violations == []
