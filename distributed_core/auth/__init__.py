"""Who calls a node: its users, and the other nodes.

Who acts (`actors`), API tokens (`tokens`, `models`: stored hashed, with knox), the sign-in pages
(`pages`), the sign-in failure limits (`lockout`) and their URLs (`urls`); the service credentials
nodes present to each other's gateways and hubs (`credentials`); who may call a view, person or
node (`callers`), and that access checked again later, once it may have been withdrawn (`access`).
A Django app (label `distributed_auth`): its model is the API token.

Each node has its own `django.contrib.auth` users and groups. Browsers sign in with a session
(the sign-in page serves the apps and the browsable API); API clients send `Authorization:
Token <key>`, a key from `POST /api/auth/token/`, stored only as a hash (django-rest-knox), one per
device, listed and revoked at `/api/auth/tokens/`. Every sign-in goes through django-axes, which
answers 429 past the failure limits. Who may do what is declared with each route
(`distributed_core.api.permissions`).
"""
