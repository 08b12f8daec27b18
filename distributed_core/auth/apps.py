from django.apps import AppConfig


class AuthConfig(AppConfig):
    """The users' side of a node: API tokens (stored as a hash, django-rest-knox's model) and their admin.

    Its label is `distributed_auth` (Django's own `auth` app holds the plain one).
    """

    name = "distributed_core.auth"
    label = "distributed_auth"
    verbose_name = "API tokens"
    default_auto_field = "django.db.models.BigAutoField"
