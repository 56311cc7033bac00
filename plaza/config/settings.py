"""Plaza settings: one module, driven by environment variables.

The embedded default (no variables set) runs on SQLite, an in-memory channel layer,
the database task backend and local-memory cache. ``DATABASE_URL`` and ``REDIS_URL``
switch to the scale-out profile (PostgreSQL, Redis channel layer and cache).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PLAZA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("PLAZA_DEBUG", True)
SECRET_KEY = os.environ.get("PLAZA_SECRET_KEY", "plaza-insecure-development-key-change-me")
ALLOWED_HOSTS = os.environ.get("PLAZA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("PLAZA_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

# --- HTTPS (docs/operations.md) -------------------------------------------------------
# Behind a front that terminates TLS (nginx, a load balancer): PLAZA_HTTPS=1 redirects
# plain HTTP, sends cookies only over HTTPS and asks browsers (HSTS) to use nothing else.
HTTPS = env_bool("PLAZA_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("PLAZA_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PLAZA_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
# Marks the site eligible for browsers' preload lists; it is listed only once someone
# submits the domain (hstspreload.org), so it commits nobody by itself.
SECURE_HSTS_PRELOAD = env_bool("PLAZA_HSTS_PRELOAD", HTTPS)
# The front tells Django the request came over HTTPS; only trust it when one is there.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PLAZA_BEHIND_PROXY", HTTPS) else None
SECURE_REFERRER_POLICY = "same-origin"

# Only Plaza's own files run or style a page: no inline script or style, no eval (htmx
# runs without it), no framing. An inline script must carry the request's nonce
# (``{{ request.csp_nonce }}``).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    # Before allauth so that plaza/web/templates/ overrides its layout.
    "plaza.web",
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "plaza.core",
    "plaza.accounts",
    "plaza.shops",
    "plaza.catalog",
    "plaza.inventory",
    "plaza.checkout",
    "plaza.orders",
    "plaza.payments",
    "plaza.search",
    "plaza.storefront",
    "plaza.social",
    "plaza.feed",
    "plaza.asks",
    "plaza.lists",
    "plaza.notifications",
    "plaza.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "plaza.core.middleware.RefuseControlCharacters",
    "csp.middleware.CSPMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "plaza.config.urls"
ASGI_APPLICATION = "plaza.config.asgi.application"
WSGI_APPLICATION = "plaza.config.wsgi.application"

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
                "plaza.web.context_processors.plaza",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------
SQLITE_PATH = Path(os.environ.get("PLAZA_SQLITE_PATH", VAR_DIR / "plaza.sqlite3"))
if os.environ.get("DATABASE_URL"):
    # Connections come from a per-process pool (psycopg_pool): a request borrows one and
    # gives it back when it ends, so a process never holds more than the pool's bound
    # however many threads it runs (the ASGI server gives each request a fresh thread,
    # which defeats Django's per-thread persistent connections). A deployment's total is
    # processes x PLAZA_DB_POOL_MAX_SIZE; a borrower waits PLAZA_DB_POOL_TIMEOUT seconds
    # for a free one before the request fails.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("PLAZA_DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("PLAZA_DB_POOL_MAX_SIZE", "4")),
        "timeout": float(os.environ.get("PLAZA_DB_POOL_TIMEOUT", "10")),
        # A connection unused this long is closed, down to min_size: a burst's
        # connections do not stay open for hours after it.
        "max_idle": float(os.environ.get("PLAZA_DB_POOL_MAX_IDLE", "60")),
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of deadlocking on upgrade.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
            # A file, not an in-memory database: concurrency tests need real connections.
            "TEST": {"NAME": str(VAR_DIR / "test_plaza.sqlite3")},
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- redis: channel layer and cache ---------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Redis pub/sub: a push is one PUBLISH that every process with a listener receives,
    # where the core layer reads the group's members and queues a message per socket.
    # Pushes are not retried either way (docs/architecture.md); a checkout's three cost
    # its worker ~5 % less CPU (docs/benchmarks.md).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": os.environ.get("PLAZA_REDIS_PREFIX", "plaza")},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("PLAZA_REDIS_PREFIX", "plaza"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "plaza.core.channel_layers.SweepingInMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own memory, for what is cached under a version of its rows (a product
# page's product under the product's and its shop's last change): never stale, so it needs
# no invalidation across processes, and a read costs no round trip to Redis. Room for the
# product pages a town's visitors share (a few KiB each), not Django's default 300.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10_000}}

# --- background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("PLAZA_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- accounts (django-allauth) --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
SITE_ID = 1
# Where e-mails' links point; each `migrate` (which the demo and `make serve` run at start)
# writes it into the Site, so a demo on another PORT links to itself.
PLAZA_SITE_DOMAIN = os.environ.get("PLAZA_SITE_DOMAIN") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("PLAZA_HTTP_PROTOCOL", "http")
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks for the name other people see (never the e-mail address).
ACCOUNT_SIGNUP_FORM_CLASS = "plaza.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("PLAZA_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- e-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("PLAZA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("PLAZA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PLAZA_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("PLAZA_FROM_EMAIL", "Plaza <no-reply@plaza.localhost>")

# --- static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PLAZA_MEDIA_ROOT", VAR_DIR / "media"))
# The production profile (make serve) collects static files under names that carry a hash
# of their content, which its front serves with far-future caching headers; a new release
# gets new names, so no browser keeps an old file.
STATIC_MANIFEST = env_bool("PLAZA_STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage."
        + ("ManifestStaticFilesStorage" if STATIC_MANIFEST else "StaticFilesStorage")
    },
}
# Serve app static files straight from their folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- locale ---------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("PLAZA_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Plaza ----------------------------------------------------------------------------
PLAZA_DEFAULT_CURRENCY = os.environ.get("PLAZA_DEFAULT_CURRENCY", "EUR")
# The demo town: where "near me" starts before the browser shares a position.
PLAZA_DEFAULT_LOCATION = {
    "name": os.environ.get("PLAZA_TOWN_NAME", "Lyon"),
    "latitude": float(os.environ.get("PLAZA_TOWN_LATITUDE", "45.7640")),
    "longitude": float(os.environ.get("PLAZA_TOWN_LONGITUDE", "4.8357")),
}
PLAZA_PAYMENT_PROVIDERS = {
    "pay_at_pickup": "plaza.payments.providers.pay_at_pickup.PayAtPickupProvider",
    "test_card": "plaza.payments.providers.test_card.TestCardProvider",
}
PLAZA_TEST_CARD_WEBHOOK_SECRET = os.environ.get("PLAZA_TEST_CARD_WEBHOOK_SECRET", "plaza-test-card-dev-secret")
# An unpaid order keeps its stock reserved this long before the reservation lapses.
PLAZA_PAYMENT_HOLD_MINUTES = int(os.environ.get("PLAZA_PAYMENT_HOLD_MINUTES", "15"))
# Housekeeping that `manage.py run_periodic` enqueues: task path -> every N seconds.
PLAZA_PERIODIC_TASKS = {
    "plaza.checkout.tasks.expire_unpaid_orders": 60,
    "plaza.core.tasks.sweep_outbox": 60,
    "plaza.asks.tasks.close_due_asks": 60,
    "plaza.orders.tasks.send_unsent_order_emails": 300,
    # One e-mail per person for what they chose to hear of by e-mail since the last run.
    "plaza.notifications.tasks.send_notification_emails": 300,
}
# Outbox events are delivered by `manage.py dispatch_outbox` processes (the production
# profile) rather than by the process that committed them, right after the commit.
PLAZA_OUTBOX_DISPATCHER = env_bool("PLAZA_OUTBOX_DISPATCHER", False)
# Delivered events are kept this long (for the admin and for replays), then pruned.
PLAZA_OUTBOX_RETENTION_DAYS = int(os.environ.get("PLAZA_OUTBOX_RETENTION_DAYS", "7"))
# Writes that reach other people, per person: action -> (how many, per seconds).
PLAZA_RATE_LIMITS = {
    "friend_request": (int(os.environ.get("PLAZA_FRIEND_REQUESTS_PER_HOUR", "30")), 3600),
    "comment": (int(os.environ.get("PLAZA_COMMENTS_PER_10_MINUTES", "60")), 600),
    "ask": (int(os.environ.get("PLAZA_ASKS_PER_HOUR", "20")), 3600),
    "answer": (int(os.environ.get("PLAZA_ANSWERS_PER_10_MINUTES", "60")), 600),
    "share": (int(os.environ.get("PLAZA_SHARES_PER_HOUR", "60")), 3600),
}
# The Shopify import downloads the photos its file names (plaza.catalog.remote_images).
PLAZA_IMPORT_FETCH_IMAGES = env_bool("PLAZA_IMPORT_FETCH_IMAGES", True)
PLAZA_IMPORT_IMAGE_TIMEOUT_S = float(os.environ.get("PLAZA_IMPORT_IMAGE_TIMEOUT_S", "10"))
PLAZA_IMPORT_IMAGES_FROM_PRIVATE_HOSTS = env_bool("PLAZA_IMPORT_IMAGES_FROM_PRIVATE_HOSTS", False)
PLAZA_MAX_IMAGE_BYTES = 5 * 1024 * 1024
PLAZA_MAX_CSV_BYTES = 20 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PLAZA_LOG_LEVEL", "WARNING")},
}
