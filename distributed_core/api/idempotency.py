"""The `Idempotency-Key` header of command routes: a retry gets the first answer, and the command acts once.

Every command route (one that answers an ApiMessage of a write: save, remove, submit, withdraw,
approve, reject, return, and DRF's create, update and destroy) takes the header, as the IETF
draft "The Idempotency-Key HTTP Header Field" describes it:

- the first request with a key is answered as usual, and its answer (status and body) is stored
  with the command's effect, in one transaction (`distributed_core.idempotency`);
- the same request again with the same key, from the same caller, within `DD_IDEMPOTENCY_TTL`
  (24 hours), gets that answer again, with `Idempotent-Replayed: true`, and nothing is done again;
- the key with another request (another route or body): 422; while the first request with the
  key is still being answered: 409. Neither is stored, nor is a server error (5xx): a retry acts.

The caller is the signed-in user (`user:<id>`), or the node calling a gateway
(`service:<caller>`, and `/<user>` when it acts for one); keys of different callers never meet.
Anonymous callers of an open node share one space (`anonymous`): the key alone tells them apart,
so theirs must be unique (a uuid4). A key is 1 to 255 visible ASCII characters (spaces only between
them: a server strips them at the ends), used as sent: a uuid4, or the draft's quoted `"..."`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from ..auth.credentials import ServiceCaller
from ..exceptions import ApplicationError, KeyInFlight, KeyReused
from ..idempotency import IdempotentCall, in_flight, stored_answer
from ..models import IdempotencyKey

__all__ = [
    "IDEMPOTENCY_KEY_HEADER",
    "KEY_PATTERN",
    "MAX_KEY_LENGTH",
    "REPLAYED_HEADER",
    "answer_once",
    "caller_of",
    "fingerprint_of",
    "replay",
    "request_key",
]

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"  # on a stored answer sent again (as Stripe's API says it)
MAX_KEY_LENGTH = 255
# visible ASCII (what the draft's sf-string carries), spaces only inside (servers strip them at the ends)
KEY_PATTERN = rf"[!-~](?:[ -~]{{0,{MAX_KEY_LENGTH - 2}}}[!-~])?"
NOT_STORED = (409, 422)  # answers about the key, not about the request: the key stays free


def request_key(request: Request) -> str | None:
    """The request's `Idempotency-Key`, or None without one; a 400 for one that is not `KEY_PATTERN`."""
    key = request.headers.get(IDEMPOTENCY_KEY_HEADER)
    if key is None:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise ApplicationError(f"{IDEMPOTENCY_KEY_HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters")
    return key


def caller_of(user: Any) -> str:
    """Whose keys these are: `user:<id>`, `service:<caller>` (`/<user>` when a node acts for one), or `anonymous`."""
    if isinstance(user, ServiceCaller):
        return f"service:{user.caller}" + (f"/{user.on_behalf_of}" if user.on_behalf_of else "")
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous"


def fingerprint_of(request: Request) -> str:
    """What makes two requests the same one: the method, the route's path (in any case) and the body, as read."""
    sent = [request.method, request.path.lower().rstrip("/"), request.data]
    return hashlib.sha256(json.dumps(sent, sort_keys=True, cls=JSONEncoder).encode()).hexdigest()


def answer_once(view: Any, request: Request, answer: Callable[[], Response]) -> Response:
    """`answer()`, once per caller and key: stored with the command's effect, and given again to a retry.

    Without a key, simply `answer()`.
    """
    key = request_key(request)
    if key is None:
        return answer()
    caller, fingerprint = caller_of(request.user), fingerprint_of(request)
    with in_flight(caller, key):
        stored = stored_answer(caller, key)
        if stored is not None:
            return replay(stored, fingerprint)
        call = IdempotentCall(caller, key, fingerprint)
        with call.active():
            try:
                response = answer()
            except Exception as error:  # refusals are answers too: made here, to be stored
                call.abort(error)
                response = view.handle_exception(error)
            if response.status_code >= 500 or response.status_code in NOT_STORED:
                return response  # `active()` rolls back whatever the command began
            try:
                call.store(response.status_code, _as_stored(response.data))
                call.commit()
            except IntegrityError:  # another request with the key got its answer in first: that one counts
                call.abort()
                stored = stored_answer(caller, key)
            else:
                return response
        if stored is None:  # stored by the other request, and pruned in that instant: a retry will act
            raise KeyInFlight(f"Another request with this {IDEMPOTENCY_KEY_HEADER} was answered: send it again")
        return replay(stored, fingerprint)


def replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    """The stored answer again, with `Idempotent-Replayed: true`; 422 if it answered another request."""
    if stored.fingerprint != fingerprint:
        raise KeyReused(
            f"This {IDEMPOTENCY_KEY_HEADER} was sent with another request: send a new key with each new request"
        )
    data = json.loads(stored.body) if stored.body is not None else None
    return Response(data, status=stored.status, headers={REPLAYED_HEADER: "true"})


def _as_stored(data: Any) -> str | None:
    """`data` as JSON text (dates, decimals, ... as the renderer writes them), so a replay renders the same bytes."""
    return json.dumps(data, cls=JSONEncoder) if data is not None else None
