"""Service credentials: `<caller>:<secret>` entries, two per caller while rotating, compared in constant time."""

from __future__ import annotations

import pytest

from distributed_core.auth.credentials import ServiceCredential, identify, parse_service_tokens


def test_entries_name_their_caller():
    credentials, problems = parse_service_tokens(["proposals:old", "proposals:new", "reports:x:y"])
    assert problems == []
    assert [(c.caller, c.secret, c.number, c.of) for c in credentials] == [
        ("proposals", "old", 1, 2),
        ("proposals", "new", 2, 2),
        ("reports", "x:y", 1, 1),  # a secret may hold colons: the caller is what comes before the first
    ]


@pytest.mark.parametrize("entry", ["no-caller", ":secret", "proposals:", "bad name:secret", "proposals\n:secret"])
def test_an_entry_without_a_caller_or_secret_is_a_problem(entry):
    credentials, problems = parse_service_tokens([entry])
    assert credentials == [] and problems == ["entry 1 is not `<caller>:<secret>` (caller: letters, digits, _ . -)"]


def test_three_credentials_for_one_caller_is_a_problem():
    _, problems = parse_service_tokens(["a:1", "a:2", "a:3"])
    assert problems == ["a has 3 credentials: at most 2 (the old and the new)"]


def test_the_secret_never_shows_in_a_repr():
    assert "s3cret" not in repr(ServiceCredential("proposals", "s3cret"))


@pytest.mark.parametrize(
    ("presented", "caller"),
    [
        ("proposals:old", ("proposals", 1)),
        ("proposals:new", ("proposals", 2)),
        ("new", None),  # the secret alone is not the credential: its caller's name is part of it
        ("reports:r3", ("reports", 1)),
        ("proposals:r3", None),  # another caller's secret under this name
        ("proposals:ne", None),
        ("", None),
        ("proposals:old ", None),
    ],
)
def test_identify(settings, presented, caller):
    settings.DD_SERVICE_TOKENS = ["proposals:old", "proposals:new", "reports:r3"]
    found = identify(presented)
    assert (found.caller, found.number) == caller if caller else found is None


def test_without_service_tokens_nothing_is_identified(settings):
    settings.DD_SERVICE_TOKENS = []
    assert identify("proposals:old") is None
