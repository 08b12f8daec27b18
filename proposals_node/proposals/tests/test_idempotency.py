"""Idempotency-Key through proposals: its proxy and its removal forward keys to workflows, and retry with them."""

from __future__ import annotations

import uuid

import pytest

from proposals.models import Proposal

pytestmark = pytest.mark.django_db

KEY = "5f0c7a52-6a3c-4d7b-9d3e-3b1f0c2a9e11"


def package_body(proposal) -> dict:
    return {"value": "Please approve", "entityId": proposal.pk, "entityType": "Proposal"}


def keys_sent(workflows, call: str) -> list[str | None]:
    sent = zip(workflows.calls, workflows.headers, strict=True)
    return [headers.get("Idempotency-Key") for made, headers in sent if made == call]


def test_the_proxy_forwards_the_caller_s_key(api, workflows, make_proposal):
    submitted = api.post("/api/workflows/submitPackage", package_body(make_proposal()), **{"Idempotency-Key": KEY})
    assert submitted.status_code == 200
    assert keys_sent(workflows, "POST /submitPackage") == [KEY]


def test_the_proxy_sends_a_new_key_when_the_caller_sent_none(api, workflows, make_proposal):
    first, second = make_proposal(), make_proposal()
    for proposal in (first, second):
        assert api.post("/api/workflows/submitPackage", package_body(proposal)).status_code == 200
    keys = keys_sent(workflows, "POST /submitPackage")
    assert len(set(keys)) == 2 and all(uuid.UUID(key).version == 4 for key in keys)


def test_an_answer_lost_on_the_way_back_is_asked_for_again_with_the_same_key(api, workflows, make_proposal):
    proposal = make_proposal()
    workflows.answers_to_lose = 1  # workflows submits, then the connection drops before its answer
    submitted = api.post("/api/workflows/submitPackage", package_body(proposal))
    assert submitted.status_code == 200 and submitted.json_body["data"]["entityId"] == proposal.pk
    keys = keys_sent(workflows, "POST /submitPackage")
    assert len(keys) == 2 and keys[0] == keys[1]
    assert len(workflows.packages) == 1


def test_a_refusal_from_workflows_is_not_retried(api, workflows, make_proposal):
    package = workflows.add(make_proposal().pk)
    workflows.refuse_withdraw = True
    refused = api.post("/api/workflows/withdrawPackage", {"id": package["id"]})
    assert refused.status_code == 400 and len(keys_sent(workflows, "POST /withdrawPackage")) == 1


def test_a_proxy_answer_given_again_calls_workflows_no_more(api, workflows, make_proposal):
    body = package_body(make_proposal())
    first = api.post("/api/workflows/submitPackage", body, **{"Idempotency-Key": KEY})
    again = api.post("/api/workflows/submitPackage", body, **{"Idempotency-Key": KEY})
    assert again.status_code == 200 and again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert len(keys_sent(workflows, "POST /submitPackage")) == 1


def test_a_503_is_not_kept_so_the_caller_s_retry_with_its_key_goes_through(api, workflows, make_proposal):
    body = package_body(make_proposal())
    workflows.down = True
    assert api.post("/api/workflows/submitPackage", body, **{"Idempotency-Key": KEY}).status_code == 503
    workflows.down = False
    submitted = api.post("/api/workflows/submitPackage", body, **{"Idempotency-Key": KEY})
    assert submitted.status_code == 200 and not submitted.has_header("Idempotent-Replayed")
    assert keys_sent(workflows, "POST /submitPackage") == [KEY, KEY, KEY]  # tried, tried again, then the retry
    assert len(workflows.packages) == 1


def test_a_removal_withdraws_with_a_key_of_its_own_and_is_answered_once(api, workflows, make_proposal):
    proposal = make_proposal()
    workflows.add(proposal.pk)
    removed = api.delete("/api/proposal/remove", {"id": proposal.pk}, **{"Idempotency-Key": KEY})
    again = api.delete("/api/proposal/remove", {"id": proposal.pk}, **{"Idempotency-Key": KEY})
    assert removed.status_code == again.status_code == 200 and again.content == removed.content
    (withdrawal_key,) = keys_sent(workflows, "POST /withdrawPackage")  # the caller's key names its own request
    assert withdrawal_key != KEY and uuid.UUID(withdrawal_key).version == 4
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


def test_a_removal_refused_with_503_acts_when_retried_with_its_key(api, workflows, make_proposal):
    proposal = make_proposal()
    workflows.add(proposal.pk)
    workflows.down = True
    assert api.delete("/api/proposal/remove", {"id": proposal.pk}, **{"Idempotency-Key": KEY}).status_code == 503
    assert Proposal.objects.filter(pk=proposal.pk).exists()
    workflows.down = False
    assert api.delete("/api/proposal/remove", {"id": proposal.pk}, **{"Idempotency-Key": KEY}).status_code == 200
    assert not Proposal.objects.filter(pk=proposal.pk).exists() and workflows.packages == {}
