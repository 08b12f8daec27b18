"""Users of a node: who acts (`actors`), API tokens (`tokens`), the sign-in pages (`pages`), their URLs (`urls`).

Each node has its own `django.contrib.auth` users and groups. Browsers sign in with a session
(the sign-in page serves the apps and the browsable API); API clients send `Authorization:
Token <key>`, a key from `POST /api/auth/token/`. Who may do what is declared with each route
(`distributed_core.api.permissions`).
"""
