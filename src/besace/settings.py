"""Besace settings: one module, configured from environment variables (see README)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("BESACE_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"

# Stable public identifiers (issuer, badge and assertion URLs) are built from this, never from the
# request's Host header, so an assertion id does not change with the way a page was reached.
BESACE_BASE_URL = env.str("BESACE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[BESACE_BASE_URL])
# Fernet keys that encrypt issuers' private signing keys in the database: the first encrypts, all decrypt.
# Unset, one derived from SECRET_KEY is used, which `check --deploy` refuses (besace.issuing.key_encryption).
BESACE_KEY_ENCRYPTION_KEYS = env.list("BESACE_KEY_ENCRYPTION_KEYS", default=[])

INSTALLED_APPS = [
    "besace.core",
    "besace.accounts",
    "besace.issuing",
    "besace.backpack",
    "besace.verify",
    "besace.devmail",
    "besace.demo",
    "besace.api",
    "besace.connect",
    "besace.social",
    "besace.profiles",
    "besace.gallery",
    "besace.pages",
    "besace.help",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # its templates, for /sitemap.xml (besace.core.sitemaps)
    "oauth2_provider",
    "django_countries",  # its French country names
    "ninja",  # its own copy of Swagger UI for the API docs (not a CDN's, which the CSP would block)
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.facebook",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "besace.accounts.middleware.UserLanguageMiddleware",
    "besace.accounts.middleware.DataProtectionConsentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "besace.urls"
WSGI_APPLICATION = "besace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "besace.core.context_processors.besace",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default="")} if env.str("DATABASE_URL", "") else {}
if not DATABASES:
    # The embedded default: SQLite in the project's var/ folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "besace.sqlite3"}}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica of the PostgreSQL primary: reads go to it, except those that must see a recent write
# (besace.core.replica). In tests it is the primary itself.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL") | {"TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["besace.core.replica.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "besace.core.replica.ReadYourWritesMiddleware",
    )
# After a request that wrote, the same client reads from the primary for this long (replica lag).
BESACE_REPLICA_PIN_SECONDS = env.int("BESACE_REPLICA_PIN_SECONDS", default=15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 for new passwords; hashes made by an older hasher still check, and are re-hashed at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "backpack:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("BESACE_MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Several web servers share uploaded files through S3-compatible object storage (AWS, MinIO, ...). Media are
# always served through Besace's views, so the bucket stays private.
if env.str("BESACE_STORAGE", default="filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "file_overwrite": False,
            "default_acl": None,
        },
    }

# Cache (rate limits, queued re-verifications...): per process by default; a Redis shared by every web server
# and worker as soon as there is more than one process. Sessions are in the database, read through it.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default="") or REDIS_URL
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Hosted assertions' JSON-LD served from the cache (besace.issuing.public_cache): only safe when every
# process shares the cache, since each forgets what it changes.
BESACE_CACHE_PUBLIC_DOCUMENTS = env.bool("BESACE_CACHE_PUBLIC_DOCUMENTS", default=bool(CACHE_URL))
# Every image kept (uploaded, sent to the APIs, fetched while importing) is read into memory and decoded
# for validation (besace.core.images): larger files are refused before that, larger images (width x height,
# times frames) before their pixels are decoded.
BESACE_MAX_IMAGE_BYTES = env.int("BESACE_MAX_IMAGE_BYTES", default=2 * 1024 * 1024)
BESACE_MAX_IMAGE_PIXELS = env.int("BESACE_MAX_IMAGE_PIXELS", default=4096 * 4096)
BESACE_MAX_CSV_BYTES = env.int("BESACE_MAX_CSV_BYTES", default=2 * 1024 * 1024)
# Imported badges (images, JSON) and every document fetched while verifying one.
BESACE_MAX_IMPORT_BYTES = env.int("BESACE_MAX_IMPORT_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: EMAIL_URL (smtp://user:pass@host:587, consolemail://, ...). Unset: console + dev mail folder.
BESACE_DEV_MAIL_DIR = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "besace.devmail.backend.ConsoleAndFolderEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Besace <no-reply@besace.localhost>")

# Background work (django-tasks): "db" keeps tasks in the database for `besace db_worker` (what
# `make run` starts), "rq" in Redis (REDIS_URL) for `besace rqworker --job-class django_tasks_rq.Job
# --with-scheduler`, "immediate" runs them at once in the request (tests, tiny installs).
BESACE_TASKS = env.str("BESACE_TASKS", default="db")
TASKS = {
    "default": {
        "BACKEND": {
            "db": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[BESACE_TASKS]
    }
}
if BESACE_TASKS == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("BESACE_TASKS=rq needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    # `besace rqworker default` runs django-tasks' jobs, and runs again those of a worker that died.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job", "WORKER_CLASS": "besace.core.rq_worker.Worker"}
# Failed tasks run again after this many seconds, then twice that, ..., at most this many times in all;
# a db_worker silent for this long is taken as dead and its running tasks are run again.
BESACE_TASK_MAX_ATTEMPTS = env.int("BESACE_TASK_MAX_ATTEMPTS", default=5)
BESACE_TASK_RETRY_SECONDS = env.float("BESACE_TASK_RETRY_SECONDS", default=30)
BESACE_WORKER_HEARTBEAT_SECONDS = env.float("BESACE_WORKER_HEARTBEAT_SECONDS", default=10)
BESACE_WORKER_LOST_AFTER_SECONDS = env.float("BESACE_WORKER_LOST_AFTER_SECONDS", default=60)
# Stored badges are verified again when their last check is older than this (on view and in the
# background), at most this many per background run, oldest first.
BESACE_REVERIFY_AFTER_HOURS = env.int("BESACE_REVERIFY_AFTER_HOURS", default=24)
BESACE_REVERIFY_BATCH = env.int("BESACE_REVERIFY_BATCH", default=50)

# Claim links in award e-mails: signed, and valid this many days.
BESACE_CLAIM_LINK_MAX_AGE_DAYS = env.int("BESACE_CLAIM_LINK_MAX_AGE_DAYS", default=90)
# Bump when the data-protection statement changes: every account is asked to accept it again.
BESACE_DATA_PROTECTION_VERSION = "2026-11-24"

# --- OAuth2 server (django-oauth-toolkit): Badge Connect (OB 2.1) and the OB 3.0 API, see besace.connect ---
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "besace.connect.scopes.RegisteredScopes",
    # Also decides where PKCE is required: public clients (no secret) must use it; confidential ones may.
    "OAUTH2_VALIDATOR_CLASS": "besace.connect.oauth.BesaceOAuth2Validator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 180 * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 120,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    # RFC 9700: no implicit or password grant here, S256 only, tokens only in headers, stored hashed.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # RFC 9207: authorization responses name this server (`iss`), against mix-up attacks.
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
}
# Named so that migrations of models pointing at it can depend on it.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Dynamic client registrations allowed per address and hour (RFC 7591 registration is open to anyone).
BESACE_CLIENT_REGISTRATIONS_PER_HOUR = env.int("BESACE_CLIENT_REGISTRATIONS_PER_HOUR", default=20)

# --- django-allauth ---
ACCOUNT_ADAPTER = "besace.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "besace.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "besace.accounts.forms.SignupExtraForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
# "Send the code again" (twice at most): the same code, see accounts/email_code.py.
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_MAX_EMAIL_ADDRESSES = 10
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Besace] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if BESACE_BASE_URL.startswith("https") else "http"
# Failed sign-ins (login page, Badgr /o/token, two-factor codes) and failed OAuth client authentications
# are counted per account and per client address; past either limit, sign-in waits (even with the right
# password) until the oldest failure is this many minutes old. See docs/decisions/007-login-throttling.md.
BESACE_LOGIN_FAILURES_PER_ACCOUNT = env.int("BESACE_LOGIN_FAILURES_PER_ACCOUNT", default=5)
BESACE_LOGIN_FAILURES_PER_ADDRESS = env.int("BESACE_LOGIN_FAILURES_PER_ADDRESS", default=30)
BESACE_LOGIN_LOCKOUT_MINUTES = env.int("BESACE_LOGIN_LOCKOUT_MINUTES", default=15)
_login_failures = (
    f"{BESACE_LOGIN_FAILURES_PER_ADDRESS}/{BESACE_LOGIN_LOCKOUT_MINUTES}m/ip,"
    f"{BESACE_LOGIN_FAILURES_PER_ACCOUNT}/{BESACE_LOGIN_LOCKOUT_MINUTES}m/key"
)
ACCOUNT_RATE_LIMITS = {"login_failed": _login_failures, "oauth_client_failed": _login_failures}
# The client address the throttles count by: behind N reverse proxies, the Nth address from the end of
# X-Forwarded-For (0: the connection's own address, REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Optional two-factor sign-in: an authenticator app (TOTP) with single-use recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Besace"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False


def _social_providers() -> dict:
    """Providers whose client id and secret are in the environment; the others stay hidden."""
    providers: dict = {}
    for name, prefix in [("google", "GOOGLE"), ("microsoft", "MICROSOFT"), ("facebook", "FACEBOOK")]:
        client_id = env.str(f"{prefix}_CLIENT_ID", default="")
        if client_id:
            providers[name] = {
                "APPS": [{"client_id": client_id, "secret": env.str(f"{prefix}_CLIENT_SECRET"), "key": ""}],
                # Microsoft reads the profile from Graph /me, which needs User.Read (allauth's default).
                **({"SCOPE": ["email"]} if name == "facebook" else {}),
            }
    linkedin_id = env.str("LINKEDIN_CLIENT_ID", default="")
    if linkedin_id:
        # LinkedIn's "Sign In with LinkedIn using OpenID Connect" is the supported flow since 2023.
        providers["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": "linkedin",
                    "name": "LinkedIn",
                    "client_id": linkedin_id,
                    "secret": env.str("LINKEDIN_CLIENT_SECRET"),
                    "settings": {"server_url": "https://www.linkedin.com/oauth"},
                }
            ]
        }
    return providers


SOCIALACCOUNT_PROVIDERS = _social_providers()
# Where each provider's login form sends the browser (CSP form-action also applies to its redirects).
_SIGN_IN_ORIGINS = {
    "google": "https://accounts.google.com",
    "microsoft": "https://login.microsoftonline.com",
    "facebook": "https://www.facebook.com",
    "openid_connect": "https://www.linkedin.com",
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", False) else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BESACE_BASE_URL.startswith("https")
SESSION_COOKIE_HTTPONLY = True
# A site whose public address is https is served over https only: plain http is redirected (a proxy that
# terminates TLS must send X-Forwarded-Proto with BEHIND_PROXY=1, or redirect itself with
# SECURE_SSL_REDIRECT=0), and browsers are told to keep to https (HSTS). An http address (development, a
# closed test network) keeps all of this off.
HTTPS_ONLY = BESACE_BASE_URL.startswith("https") and not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
# Load balancers probe each web server directly, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Share links carry unguessable ids: other sites never see Besace's paths.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # the embeddable views opt out one by one (besace.core.csp.frameable)
# Content-Security-Policy (django-csp): scripts and styles only from Besace's own static files, never inline,
# so injected markup cannot run; images also as data: URIs (QR codes) and from the public address.
# Forms may leave the site only for the sign-in providers configured below (their login redirects) and,
# on the OAuth consent page, for the client's own redirect URI (besace.connect.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", BESACE_BASE_URL],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],  # as X_FRAME_OPTIONS
        "form-action": ["'self'", *(_SIGN_IN_ORIGINS[name] for name in SOCIALACCOUNT_PROVIDERS)],
    }
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload binds the whole registered domain for months and only its owner can submit it to the
    # browsers' list; it stays an explicit choice (SECURE_HSTS_PRELOAD=1), not a default.
    "security.W021",
    # http redirect URIs stay allowed: Badge Connect clients include Moodle sites on plain-http intranets
    # and native apps on loopback (RFC 8252); which URIs a client may register is decided at registration
    # (besace.connect.services), and PKCE binds every public client's code to the client that asked.
    "oauth2_provider.W008",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
