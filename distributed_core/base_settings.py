"""The core's defaults: the Django settings every node shares, read from the environment.

A node's `settings.py` star-imports this module, then overrides and extends it with plain
assignments (its URLconf, its app, its database, its `DD_*` settings):

    from distributed_core.base_settings import *  # the core's defaults

    INSTALLED_APPS = [*INSTALLED_APPS, "invoices"]
    DATABASES = {"default": node_database("invoices", BASE_DIR)}

Every environment variable read here is listed in docs/reference/settings.md. The `DD_*` settings
are declared in `distributed_core.conf.CORE_SETTINGS` (default, variable, type, meaning), which both
this module and `dd_settings` read.
"""

from datetime import timedelta

from corsheaders.defaults import default_headers
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from distributed_core import conf
from distributed_core.env import browser_origins, env, loopback_origin_regexes

DEBUG = env.bool("DEBUG", default=True)  # the embedded default; 0 in deployment

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-deployment"

# testserver is the Host of Django's test client: a closed node has no use for it (Django's test
# runner adds it while tests run), so only the DEBUG default names it
_LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[*_LOOPBACK_HOSTS, "testserver"] if DEBUG else _LOOPBACK_HOSTS)

# Pages of other origins that may call this node (a node names its suite's local pages, for DEBUG)
CORS_ALLOWED_ORIGINS, CSRF_TRUSTED_ORIGINS = browser_origins(DEBUG)
# ...and in DEBUG a page from any loopback origin (localhost, 127.0.0.1, [::1]; any port, http or https),
# like the original's apps on http://localhost:3001; hubs check Origin by the same two settings
CORS_ALLOWED_ORIGIN_REGEXES = loopback_origin_regexes(DEBUG)
CORS_ALLOW_CREDENTIALS = True  # the SignalR browser client negotiates with credentials
# a page of another origin may send a command's Idempotency-Key, and read whether its answer was a replay
CORS_ALLOW_HEADERS = [*default_headers, "x-signalr-user-agent", "idempotency-key"]
CORS_EXPOSE_HEADERS = ["Idempotent-Replayed"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "knox",  # API tokens stored as a hash; the model is distributed_core.auth's (KNOX_TOKEN_MODEL)
    "axes",  # sign-in failures counted, past the limits a 429 (distributed_core.auth.lockout)
    "csp",  # the Content-Security-Policy header (distributed_core.serving.csp)
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from the node's static files
    "channels",
    "distributed_core",
    "distributed_core.auth",  # API tokens (app label distributed_auth)
]

MIDDLEWARE = [
    # first: its header goes on every answer, those the next ones make included; it makes no answer itself
    "distributed_core.serving.csp.ContentSecurityPolicyMiddleware",
    "distributed_core.api.errors.JsonErrorsMiddleware",  # it turns every other one's error pages into JSON
    # probes ahead of the Host check and the HTTPS redirect: a balancer asks an instance by its own address
    # over plain HTTP, which those would refuse (deploy/, docs/deployment.md)
    "distributed_core.serving.probes.ProbesMiddleware",
    # each request's cause for the events it records, and its metrics (the OpenTelemetry middleware, which
    # starts or continues the request's trace, is put before all of these by tracing.setup_tracing)
    "distributed_core.observability.middleware.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes says: a locked-out sign-in answers 429 (auth.lockout)
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
WHITENOISE_USE_FINDERS = True  # the apps' files are served with DEBUG=0 too, collected or not
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
    "DEFAULT_SCHEMA_CLASS": "distributed_core.api.schema.WireAutoSchema",
    # who may call a route is declared with it (`route.post(..., permission=...)`), see docs/operations.md
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "distributed_core.auth.tokens.ExpiringTokenAuthentication",  # first: a refusal is a 401 with its challenge
        "rest_framework.authentication.SessionAuthentication",  # browsers; writes need the CSRF token
    ],
    "DEFAULT_PERMISSION_CLASSES": ["distributed_core.api.permissions.RoutePermission"],
}

# Users (docs/operations.md, "Security"): each node has its own; browsers sign in at /accounts/login/
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in ("UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator")
] + [{"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"}]
LOGIN_URL = "rest_framework:login"  # the sign-in page of the apps and of the browsable API
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
CSRF_FAILURE_VIEW = "distributed_core.api.errors.csrf_failure"  # a JSON 403, not Django's HTML page

# HTTPS in deployment (off by default: the embedded default serves plain HTTP on loopback)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# behind a proxy that terminates TLS and sets X-Forwarded-Proto (else SECURE_SSL_REDIRECT would loop)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("TRUST_X_FORWARDED_PROTO", False) else None

# A node adds its TITLE and DESCRIPTION, and the ENUM_NAME_OVERRIDES of the enums it shows
SPECTACULAR_SETTINGS = {
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["distributed_core.api.schema.case_insensitive_paths"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "distributed_core.api.schema.camel_case_properties",
        "distributed_core.api.schema.omitted_nulls",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # /schema/ and /swagger/: anyone on an open node, else a signed-in user, an API token or a node's
    # service credential (the schema maps every route: no map for strangers to a closed node)
    "SERVE_PERMISSIONS": ["distributed_core.api.permissions.SignedInUnlessOpen"],
    "SERVE_AUTHENTICATION": [
        *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
        "distributed_core.auth.credentials.ServiceCredentialAuthentication",
    ],
    # Swagger UI from this node's static files (drf-spectacular-sidecar), not from a CDN's @latest
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Every line carries the trace id of what it is about ("-" for none); LOG_FORMAT=json: one JSON object per line
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"trace_id": {"()": "distributed_core.observability.logs.TraceIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [trace %(trace_id)s]: %(message)s"},
        "json": {"()": "distributed_core.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env.str("LOG_FORMAT", default="plain") == "json" else "plain",
            "filters": ["trace_id"],
        }
    },
    "loggers": {
        "distributed_core": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    },
}

# The DD_* settings of distributed_core, each declared once in distributed_core.conf.CORE_SETTINGS (listed in
# docs/reference/settings.md): its environment variable's value, else its default. A node then sets its name,
# gateways and listeners; its hubs are declared on its models (`hub = Hub("name")`). Anonymous callers may do
# everything while DEBUG is on (the original's apps have no sign-in); with DEBUG=0 only ALLOW_ANONYMOUS=1 opens
# a node, and `check --deploy` reports that as an error. Decided here, as the settings load, so ALLOW_ANONYMOUS
# defaults to DEBUG (the declared None, "as DEBUG", is for projects without these settings; the test runner
# turns DEBUG off later, which must not close a node's tests)
globals().update(conf.read_environment(defaults={"DD_ALLOW_ANONYMOUS": DEBUG}))

# Deployment (deploy/, docs/deployment.md). The probes come right after the JSON errors in MIDDLEWARE.
# Collected static files (STATIC_ROOT set, `collectstatic` run at build): hashed names and gzip,
# served by WhiteNoise with a year's cache; without STATIC_ROOT (`up`, the tests) from the apps' folders.
if STATIC_ROOT:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = False

# ---- Trust (issue 18): hashed API tokens, sign-in failure limits, Content-Security-Policy -------------------
# (docs/security.md says what each protection does, its setting, and what an operator does when it fires)

# API tokens: django-rest-knox stores each token's hash, in distributed_core.auth's model (an id, a device)
KNOX_TOKEN_MODEL = "distributed_auth.ApiToken"

# Django's cache: Redis when REDIS_URL is set, so that every worker and host of a node shares what is
# in it (the sign-in failure counts), else this process's memory. Keys start with the suite's prefix
# (CHANNEL_LAYER_PREFIX, as the channel layer's) and the node's name (cache_keys.node_cache_key).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
            "KEY_PREFIX": env.str("CHANNEL_LAYER_PREFIX", default="dd"),
            "KEY_FUNCTION": "distributed_core.cache_keys.node_cache_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "distributed_core.cache_keys.node_cache_key",
        }
    }

# Sign-in failure limits (django-axes): DD_SIGN_IN_USERNAME_FAILURES for a username, or
# DD_SIGN_IN_ADDRESS_FAILURES from a client address, within the cool-off, then 429 with Retry-After
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"  # the counts in Django's cache (Redis: shared)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either count locks: a username OR an address
AXES_FAILURE_LIMIT = "distributed_core.auth.lockout.failure_limit"  # the two limits above as axes' one
AXES_COOLOFF_TIME = timedelta(seconds=env.int("SIGN_IN_COOLOFF", default=15 * 60))  # after the last failure
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True  # a refused attempt counts: Retry-After is the whole cool-off
AXES_RESET_ON_SUCCESS = False  # else an account of one's own would reset one's address's count between guesses
AXES_CLIENT_IP_CALLABLE = "distributed_core.auth.lockout.client_address"  # REMOTE_ADDR, or per DD_TRUSTED_PROXIES
AXES_LOCKOUT_CALLABLE = "distributed_core.auth.lockout.lockout_response"  # JSON for the API, a page for pages
AXES_CLIENT_STR_CALLABLE = "distributed_core.auth.lockout.describe_client"  # the log names who, quoted
AXES_ENABLE_ADMIN = False  # the cache handler keeps no rows for axes' admin pages to show
LOGGING["loggers"]["axes"] = {"handlers": ["console"], "level": "WARNING"}  # failures and lockouts
# in-memory counts are right for one process (the embedded default); a deployment (DEBUG=0) sets REDIS_URL,
# and axes warns (axes.W001) when it does not
SILENCED_SYSTEM_CHECKS = ["axes.W001"] if DEBUG and not REDIS_URL else []

# Content-Security-Policy on every answer (django-csp; serving.csp adds DD_GATEWAYS to connect-src)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "connect-src": [SELF],  # and the gateways' origins, http(s) and ws(s): the apps follow their hubs
        "img-src": [SELF, "data:"],  # Swagger UI's icons are data: URLs
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
