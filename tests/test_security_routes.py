"""Both nodes as deployed (DEBUG=0): every write route refuses nobody (401) and the unpermitted (403), in JSON,
and lets the permitted through; tokens and sessions refuse as the issue says."""

from __future__ import annotations

import secrets

import pytest

from .people import PASSWORD, csrf_token, json_of, session_api, token_api, token_of


@pytest.fixture(scope="module")
def urls(closed_suite) -> dict[str, str]:
    return {name: node.url for name, node in closed_suite.nodes.items()}


def new_proposal(urls) -> int:
    saved = token_api(urls["proposals"], "proposer").post("/api/proposal/save", {"title": "T", "value": "V"})
    assert saved.status_code == 200, saved.text
    return saved.json()["data"]["id"]


def new_package(urls) -> int:
    proposal_id = new_proposal(urls)
    body = {"value": "Please", "entityId": proposal_id, "entityType": "Proposal"}
    submitted = token_api(urls["proposals"], "proposer").post("/api/workflows/submitPackage", body)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()["data"]["id"]


def proposal_body(urls) -> dict:
    return {"title": "Budget", "value": "Spend less"}


def package_body(urls) -> dict:
    """A package of its own entity (an entity has one active package at most)."""
    return {"value": "Please", "entityId": secrets.randbelow(10**9) + 1, "entityType": "Invoice"}


def new_workflows_package(urls) -> int:
    saved = token_api(urls["workflows"], "packager").post("/api/package/save", package_body(urls))
    assert saved.status_code == 200, saved.text
    return saved.json()["data"]["id"]


# (node, method, path, body factory, who may): every write route of both nodes
WRITES = [
    ("proposals", "post", "/api/proposal/save", proposal_body, "proposer"),
    ("proposals", "post", "/api/proposal/validate", proposal_body, "proposer"),
    ("proposals", "post", "/api/proposal/", proposal_body, "proposer"),
    ("proposals", "put", "/api/proposal/{proposal}/", proposal_body, "proposer"),
    ("proposals", "delete", "/api/proposal/remove", lambda urls: {"id": new_proposal(urls)}, "proposer"),
    ("proposals", "delete", "/api/proposal/{proposal}/", lambda urls: None, "proposer"),
    (
        "proposals",
        "post",
        "/api/workflows/validatePackage",
        lambda urls: {"value": "v", "entityId": new_proposal(urls), "entityType": "Proposal"},
        "proposer",
    ),
    (
        "proposals",
        "post",
        "/api/workflows/submitPackage",
        lambda urls: {"value": "v", "entityId": new_proposal(urls), "entityType": "Proposal"},
        "proposer",
    ),
    ("proposals", "post", "/api/workflows/withdrawPackage", lambda urls: {"id": new_package(urls)}, "proposer"),
    ("workflows", "post", "/api/package/approve", lambda urls: {"id": new_package(urls)}, "approver"),
    ("workflows", "post", "/api/package/reject", lambda urls: {"id": new_package(urls)}, "approver"),
    ("workflows", "post", "/api/package/return", lambda urls: {"id": new_package(urls)}, "approver"),
    ("workflows", "post", "/api/package/save", package_body, "packager"),
    ("workflows", "post", "/api/package/validate", package_body, "packager"),
    ("workflows", "post", "/api/package/", package_body, "packager"),
    ("workflows", "put", "/api/package/{package}/", lambda urls: {"value": "Changed"}, "packager"),
    ("workflows", "delete", "/api/package/remove", lambda urls: {"id": new_workflows_package(urls)}, "packager"),
    ("workflows", "delete", "/api/package/{package}/", lambda urls: None, "packager"),
]


@pytest.mark.parametrize(("node", "method", "path", "body", "allowed"), WRITES, ids=[w[2] + " " + w[1] for w in WRITES])
def test_every_write_route(urls, node, method, path, body, allowed):
    url = urls[node]
    if "{proposal}" in path:
        path = path.format(proposal=new_proposal(urls))
    if "{package}" in path:
        path = path.format(package=new_workflows_package(urls))
    for who, status in ((None, 401), ("stranger", 403), ("viewer", 403), ("former", 401)):
        api = token_api(url, who) if who != "former" else former_token_api(url)
        refused = getattr(api, method)(path, body(urls))
        assert refused.status_code == status, (who, refused.text)
        assert isinstance(json_of(refused), str)
    other = "approver" if allowed == "proposer" else "proposer"
    assert getattr(token_api(url, other), method)(path, body(urls)).status_code == 403
    done = getattr(token_api(url, allowed), method)(path, body(urls))
    assert done.status_code == 200, done.text


def test_the_proxy_forwards_nothing_but_proposals_packages(urls):
    proposer = token_api(urls["proposals"], "proposer")
    for body in (
        {"value": "v", "entityId": new_proposal(urls), "entityType": "Invoice"},
        {"value": "v", "entityId": 10**12, "entityType": "Proposal"},  # no such proposal here
    ):
        assert proposer.post("/api/workflows/submitPackage", body).status_code == 404
    invoices = new_workflows_package(urls)
    assert proposer.post("/api/workflows/withdrawPackage", {"id": invoices}).status_code == 404
    assert token_api(urls["workflows"], "viewer").get(f"/api/package/getFromId/{invoices}").status_code == 200
    assert token_api(urls["proposals"], "viewer").get("/api/workflows/getPackagesByType/Invoice").status_code == 404


def former_token_api(url):
    """A token whose account was disabled after it was issued."""
    from .client import Api

    api = Api(url)
    api.session.headers["Authorization"] = f"Token {FORMER_TOKENS[url]}"
    return api


FORMER_TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def former_tokens(closed_suite, urls):
    """Tokens of `former`, issued while it was enabled, then the account disabled (on each node)."""
    closed_suite.add_user("former", PASSWORD, "--enable")
    for url in urls.values():
        FORMER_TOKENS[url] = token_of(url, "former")
    closed_suite.add_user("former", PASSWORD, "--disable")


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_reads_need_a_user_who_may_view(urls, node):
    path = {"proposals": "/api/proposal/get", "workflows": "/api/package/get"}[node]
    assert token_api(urls[node], None).get(path).status_code == 401
    assert token_api(urls[node], "stranger").get(path).status_code == 403
    assert token_api(urls[node], "viewer").get(path).status_code == 200


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_token_refusals_are_json(urls, node):
    from .client import Api

    api = Api(urls[node])
    wrong = api.post("/api/auth/token/", {"username": "viewer", "password": "not the password"})
    assert wrong.status_code == 400 and json_of(wrong) == "Unable to sign in with the username and password given"
    disabled = api.post("/api/auth/token/", {"username": "former", "password": PASSWORD})
    assert disabled.status_code == 401 and json_of(disabled) == "This account is disabled"
    api.session.headers["Authorization"] = f"Token {secrets.token_hex(20)}"
    unknown = api.get("/api/proposal/get" if node == "proposals" else "/api/package/get")
    assert unknown.status_code == 401 and "not valid" in json_of(unknown)


def test_a_session_write_without_its_csrf_token_is_a_json_403(urls):
    browser = session_api(urls["workflows"], "approver")
    package_id = new_package(urls)
    refused = browser.post("/api/package/approve", {"id": package_id})
    assert refused.status_code == 403 and json_of(refused).startswith("CSRF Failed")
    assert (
        token_api(urls["workflows"], "viewer").get(f"/api/package/getFromId/{package_id}").json()["state"] == "Pending"
    )
    approved = browser.post("/api/package/approve", {"id": package_id}, headers={"X-CSRFToken": csrf_token(browser)})
    assert approved.status_code == 200 and approved.json()["data"]["decidedBy"] == "approver"


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_a_rebinding_host_is_refused_on_http(urls, node):
    from .client import Api

    refused = Api(urls[node]).get("/api/", headers={"Host": "evil.example:5201", "Origin": "http://evil.example:5201"})
    assert refused.status_code == 400 and json_of(refused) == "Bad Request"  # naming neither the Host nor the setting
    assert "ALLOWED_HOSTS" not in refused.text and "Content-Security-Policy" in refused.headers


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_createsuperuser_works_on_every_node(closed_suite, node):
    target = closed_suite.nodes[node]
    created = target.manage(
        "createsuperuser",
        "--noinput",
        "--username=root",
        "--email=root@example.com",
        env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    assert "Superuser created successfully." in created.stdout
    root = token_api(target.url, "root")
    path = {"proposals": "/api/proposal/get", "workflows": "/api/package/get"}[node]
    assert root.get(path).status_code == 200
