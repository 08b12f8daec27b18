"""Who calls a node: its users, and the other nodes.

Who acts (`actors`), API tokens (`tokens`), the sign-in pages (`pages`) and their URLs (`urls`);
the service credentials nodes present to each other's gateways and hubs (`credentials`); and
who may call a view, person or node (`callers`), and that access checked again later, once it may
have been withdrawn (`access`).

Each node has its own `django.contrib.auth` users and groups. Browsers sign in with a session
(the sign-in page serves the apps and the browsable API); API clients send `Authorization:
Token <key>`, a key from `POST /api/auth/token/`. Who may do what is declared with each route
(`distributed_core.api.permissions`).
"""
