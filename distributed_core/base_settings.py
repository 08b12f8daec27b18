"""The core's defaults: the Django settings every node shares, read from the environment.

A node's `settings.py` star-imports this module, then overrides and extends it with plain
assignments (its URLconf, its app, its database, its `DD_*` settings):

    from distributed_core.base_settings import *  # the core's defaults

    INSTALLED_APPS = [*INSTALLED_APPS, "invoices"]
    DATABASES = {"default": node_database("invoices", BASE_DIR)}

Every environment variable read here is listed in docs/operations.md. The defaults of the
`DD_*` settings live in `distributed_core.conf.DEFAULTS`, which `dd_settings` falls back on too.
"""

from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from distributed_core import conf
from distributed_core.env import browser_origins, env

DEBUG = env.bool("DEBUG", default=True)  # the embedded default; 0 in deployment

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-deployment"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

# Pages of other origins that may call this node (a node names its suite's local pages, for DEBUG)
CORS_ALLOWED_ORIGINS, CSRF_TRUSTED_ORIGINS = browser_origins(DEBUG)
CORS_ALLOW_CREDENTIALS = True  # the SignalR browser client negotiates with credentials
CORS_ALLOW_HEADERS = [*default_headers, "x-signalr-user-agent"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "channels",
    "distributed_core",
]

MIDDLEWARE = [
    "distributed_core.api.errors.JsonErrorsMiddleware",  # first: it turns every other one's error pages into JSON
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# channels-redis when REDIS_URL is set (every worker of a node shares its events), else in-memory
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, no longer than the layer's
                # blocking BZPOPMIN (5 s): every idle consumer would crash (django/channels_redis#422)
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "capacity": 5000,
                "expiry": 30,
                # one suite's nodes share a prefix; another suite on the same Redis uses its own
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="dd"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None  # for collectstatic in deployment
STATICFILES_DIRS = []

APPEND_SLASH = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "distributed_core.api.json.CamelCaseJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["distributed_core.api.json.CamelCaseJSONParser"],
    "EXCEPTION_HANDLER": "distributed_core.api.exception_handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
}

# A node adds its TITLE and DESCRIPTION, and the ENUM_NAME_OVERRIDES of the enums it shows
SPECTACULAR_SETTINGS = {
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["distributed_core.api.schema.case_insensitive_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "distributed_core.api.schema.camel_case_properties",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "distributed_core": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    },
}

# distributed_core (see distributed_core.conf): a node sets its name, hubs, gateways and listeners
DD_NODE_NAME = conf.DEFAULTS["DD_NODE_NAME"]
DD_GATEWAY_ID = env.str("GATEWAY_ID", default=conf.DEFAULTS["DD_GATEWAY_ID"])
DD_SERVICE_TOKENS = env.list("SERVICE_TOKENS", default=conf.DEFAULTS["DD_SERVICE_TOKENS"])
DD_GATEWAYS = conf.DEFAULTS["DD_GATEWAYS"]
# "connect,read" seconds, or one number for both
_gateway_timeout = env.list("GATEWAY_TIMEOUT", cast=float, default=list(conf.DEFAULTS["DD_GATEWAY_TIMEOUT"]))
DD_GATEWAY_TIMEOUT = (_gateway_timeout[0], _gateway_timeout[-1])
DD_HUBS = conf.DEFAULTS["DD_HUBS"]
DD_HUB_KEEPALIVE_INTERVAL = env.float("HUB_KEEPALIVE_INTERVAL", default=conf.DEFAULTS["DD_HUB_KEEPALIVE_INTERVAL"])
DD_HUB_MAX_MESSAGE_SIZE = conf.DEFAULTS["DD_HUB_MAX_MESSAGE_SIZE"]
DD_LISTENERS = conf.DEFAULTS["DD_LISTENERS"]
DD_RUN_LISTENERS = env.bool("RUN_LISTENERS", default=conf.DEFAULTS["DD_RUN_LISTENERS"])
# how `manage.py serve` serves the node (see docs/operations.md, "Serving a node")
DD_SERVER_THREADS = env.int("SERVER_THREADS", default=conf.DEFAULTS["DD_SERVER_THREADS"])
DD_SERVER_MAX_CONNECTIONS = env.int("SERVER_MAX_CONNECTIONS", default=conf.DEFAULTS["DD_SERVER_MAX_CONNECTIONS"])
DD_SERVER_HEADER_TIMEOUT = env.float("SERVER_HEADER_TIMEOUT", default=conf.DEFAULTS["DD_SERVER_HEADER_TIMEOUT"])
DD_SERVER_BODY_TIMEOUT = env.float("SERVER_BODY_TIMEOUT", default=conf.DEFAULTS["DD_SERVER_BODY_TIMEOUT"])
DD_SERVER_KEEPALIVE_TIMEOUT = env.float(
    "SERVER_KEEPALIVE_TIMEOUT", default=conf.DEFAULTS["DD_SERVER_KEEPALIVE_TIMEOUT"]
)
