"""The schema's security says `{}` (no credential needed) exactly where an anonymous caller gets through."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def anonymous_allowed(settings, *, open_node: bool, tokens: list[str]) -> dict[tuple[str, str], bool]:
    settings.DD_ALLOW_ANONYMOUS = open_node
    settings.DD_SERVICE_TOKENS = tokens
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (method.upper(), path): {} in operation.get("security", [{}])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if path != "/schema/"
    }


@pytest.mark.parametrize(
    ("open_node", "tokens", "gateway_open"),
    [(True, [], True), (True, ["proposals:s3cret"], False), (False, [], False), (False, ["proposals:s3cret"], False)],
)
def test_no_credential_is_documented_only_where_anonymous_callers_pass(settings, open_node, tokens, gateway_open):
    allowed = anonymous_allowed(settings, open_node=open_node, tokens=tokens)
    assert allowed[("DELETE", "/api/auth/token/")] is False  # revoking needs the token it revokes
    assert allowed[("POST", "/api/auth/token/")] is True
    for (method, path), anonymous in allowed.items():
        if path.startswith("/gateway"):
            assert anonymous is gateway_open, (method, path)
        elif path.startswith("/api/package"):
            assert anonymous is open_node, (method, path)


def test_an_open_node_with_service_tokens_refuses_an_anonymous_gateway_call_as_its_schema_says(settings, api):
    allowed = anonymous_allowed(settings, open_node=True, tokens=["proposals:s3cret"])
    assert allowed[("GET", "/gateway")] is False
    assert api.get("/gateway/").status_code == 401
    assert api.delete("/api/auth/token/").status_code == 401
