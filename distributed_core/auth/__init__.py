"""Users of a node: who acts (`actors`), API tokens (`tokens`, `models`), the sign-in pages (`pages`), the
sign-in failure limits (`lockout`), their URLs (`urls`). A Django app (label `distributed_auth`): its model
is the API token.

Each node has its own `django.contrib.auth` users and groups. Browsers sign in with a session
(the sign-in page serves the apps and the browsable API); API clients send `Authorization:
Token <key>`, a key from `POST /api/auth/token/`, stored only as a hash (django-rest-knox), one per
device, listed and revoked at `/api/auth/tokens/`. Every sign-in goes through django-axes, which
answers 429 past the failure limits. Who may do what is declared with each route
(`distributed_core.api.permissions`).
"""
