"""Settings from the environment (12-factor). Nothing here is edited per deployment.

SHIPEI_ENV selects the mode:
- ``demo`` (default): embedded SQLite under SHIPEI_DATA_DIR, secrets generated once into that
  directory, console SMS/e-mail.
- ``production``: every secret must come from the environment; HTTPS-only cookies and HSTS, so
  that ``shipei check --deploy`` is clean.
- ``test``: fast password hashing and fixed keys; used by pytest.
"""

import base64
import ipaddress
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import environ
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

SHIPEI_ENV = env.str("SHIPEI_ENV", default="demo")
if SHIPEI_ENV not in {"demo", "production", "test"}:
    raise environ.ImproperlyConfigured("SHIPEI_ENV 只能是 demo、production 或 test。")
PRODUCTION = SHIPEI_ENV == "production"
TESTING = SHIPEI_ENV == "test"

DATA_DIR = Path(env.str("SHIPEI_DATA_DIR", default=str(Path.cwd() / "var")))


def _local_secret(name: str, nbytes: int) -> str:
    """A secret made once and kept in DATA_DIR, so a demo keeps its sessions and data readable."""
    if PRODUCTION:
        raise environ.ImproperlyConfigured(f"生产环境必须通过环境变量设置 {name}。")
    path = DATA_DIR / "secrets.json"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    stored = json.loads(path.read_text()) if path.exists() else {}
    if name not in stored:
        stored[name] = base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode()
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return stored[name]


def _secret(name: str, nbytes: int = 32) -> str:
    if name in os.environ:
        return os.environ[name]
    if TESTING:
        return base64.urlsafe_b64encode(name.encode().ljust(nbytes, b"0")[:nbytes]).decode()
    return _local_secret(name, nbytes)


SECRET_KEY = _secret("SECRET_KEY", 50)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Proxies whose X-Forwarded-For is believed (addresses or networks): the client's address is the
# right-most one a trusted proxy reports (core/views_util.py client_ip). Loopback by default: a
# proxy on the app server's own machine, and no outside client can connect from there.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise environ.ImproperlyConfigured(
            f"TRUSTED_PROXIES 中的 {_proxy} 不是有效的地址或网段。"
        ) from None

# Personal data (ID numbers, mobiles): AES-GCM keys by key id, the first one encrypts; the
# blind index has its own key so that a leaked index key does not decrypt anything.
# PII_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>"
PII_KEYS = env.str("PII_KEYS", default="")
if not PII_KEYS:
    if PRODUCTION:  # the demo's generated key has an internal name; production's is PII_KEYS
        raise environ.ImproperlyConfigured("生产环境必须通过环境变量设置 PII_KEYS。")
    PII_KEYS = f"k1:{_secret('PII_KEY_K1', 32)}"
PII_INDEX_KEY = _secret("PII_INDEX_KEY", 32)
# Certificates are signed with Ed25519 keys by key id (32-byte seeds, base64); the first signs,
# all of them still verify and are published (/verify/keys.json), so that a certificate printed
# before a rotation still checks. CERT_SIGNING_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>"
CERT_SIGNING_KEYS = env.str("CERT_SIGNING_KEYS", default="")
if not CERT_SIGNING_KEYS:
    if PRODUCTION:
        raise environ.ImproperlyConfigured("生产环境必须通过环境变量设置 CERT_SIGNING_KEYS。")
    CERT_SIGNING_KEYS = f"k1:{_secret('CERT_SIGNING_KEY_K1', 32)}"
# Public verification (/verify/): lookups one client address may make per minute.
CERT_VERIFY_PER_MINUTE = env.int("CERT_VERIFY_PER_MINUTE", default=30)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tables2",
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "shipei.core",
    "shipei.audit",
    "shipei.orgs",
    "shipei.accounts",
    "shipei.programmes",
    "shipei.quotas",
    "shipei.projects",
    "shipei.classes",
    "shipei.staffing",
    "shipei.enrollment",
    "shipei.schedule",
    "shipei.attendance",
    "shipei.assessment",
    "shipei.surveys",
    "shipei.certificates",
    "shipei.credits",
    "shipei.appraisal",
    "shipei.supervision",
    "shipei.notifications",
    "shipei.presets",
    "shipei.statistics",
    "shipei.dashboard",
    "shipei.demo",
    # After our apps, so that shipei/core/templates/bootstrap5/ can override crispy's templates.
    "crispy_forms",
    "crispy_bootstrap5",
]

MIDDLEWARE = [
    # First: the proxy's and the monitor's probes pass no host check, redirect, session or gate.
    "shipei.core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shipei.core.admission.AdmissionMiddleware",  # before sessions: a refusal reads nothing
    "shipei.core.middleware.RejectNulMiddleware",
    "shipei.core.middleware.SystemBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shipei.audit.middleware.AuditlogMiddleware",
    "shipei.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Requests one process works on at a time; any more are answered "busy" (503) at once. Set it
# below gunicorn's threads per worker (core/admission.py). 0: no limit. Production's default is
# 6 of deploy/gunicorn.conf.py's 8 threads: two answer "busy" while six work (the bench's rush
# held its goals with 3 of 6, bench/README.md). Elsewhere (the demo, tests) no limit.
ADMISSION_LIMIT = env.int("ADMISSION_LIMIT", default=6 if PRODUCTION else 0)

ROOT_URLCONF = "shipei.urls"
CSRF_FAILURE_VIEW = "shipei.core.views.csrf_failure"
WSGI_APPLICATION = "shipei.wsgi.application"

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
                "shipei.dashboard.context_processors.navigation",
                "shipei.notifications.context_processors.unread_count",
            ],
        },
    }
]


def _private_sqlite(name: str) -> None:
    """The database holds personal data: its file is made readable by its owner only before
    SQLite opens it, and SQLite gives the -wal and -shm files the database file's mode."""
    if name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for file in (path, Path(f"{name}-wal"), Path(f"{name}-shm")):
        if file.exists():
            file.chmod(0o600)


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'shipei.sqlite3'}"),
}
# A request waits at most `timeout` seconds for a pooled connection, then is answered "busy"
# (503): while the database restarts, not until the client gives up. A pool that could not
# reconnect gives up after `reconnect_timeout` seconds, and the next request that waits tries at
# once: it is back within a second of the database, not after a back-off grown through the
# outage (psycopg_pool's default: 5 minutes).
DATABASE_POOL = {
    "min_size": env.int("DB_POOL_MIN", default=2),
    "max_size": env.int("DB_POOL_MAX", default=20),
    "timeout": env.float("DB_POOL_TIMEOUT", default=3.0),
    "reconnect_timeout": 1.0,
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's psycopg pool: a new connection per request cut throughput 4x (STACK.md).
    _db.setdefault("OPTIONS", {})
    if env.bool("DB_POOL", default=not TESTING):
        _db["OPTIONS"]["pool"] = DATABASE_POOL
    _db["OPTIONS"].setdefault("options", "-c lock_timeout=5000 -c statement_timeout=30000")
    if TESTING:
        # A commit need not wait for the disk: a throwaway database, and the transactional
        # tests commit often (setting up regions went from 2.1 s to 0.4 s).
        _db["OPTIONS"]["options"] += " -c synchronous_commit=off"
    # Parameters bound by the server, and statements a connection repeats prepared once (after
    # 5 uses): in an enrollment rush both the app and PostgreSQL do less per submission (bench/).
    # Behind a pooler in transaction mode (PgBouncer) prepared statements must be off:
    # DB_PREPARE_THRESHOLD=0; migrate before the app servers restart.
    _db["OPTIONS"]["server_side_binding"] = env.bool("DB_SERVER_SIDE_BINDING", default=True)
    _threshold = env.int("DB_PREPARE_THRESHOLD", default=5)
    _db["OPTIONS"]["prepare_threshold"] = _threshold or None
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    _private_sqlite(_db["NAME"])
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if PRODUCTION and not REDIS_URL:
    raise environ.ImproperlyConfigured(
        "生产环境必须设置 REDIS_URL：多台应用服务器的会话、缓存和频率限制都存放在 Redis 中。"
    )
# A stalled Redis fails a request in seconds instead of holding its thread, and one that is down
# at once: one retry, straight away (a connection the server closed, say after its restart), not
# redis-py's ten with backoff, some 3 s a request. The request is then answered "busy".
REDIS_CACHE_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "retry": Retry(NoBackoff(), 1),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
    SESSION_ENGINE = "shipei.core.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "shipei.accounts.backends.AddressLimitBackend",
    "axes.backends.AxesStandaloneBackend",
    "shipei.accounts.backends.PersonBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 costs ~0.12 s a hash; the authentication tests switch it back on (STACK.md).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "shipei.accounts.passwords.ChinesePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this much inactivity: every request renews the cookie.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True

# Axes locks an account, not an address: a whole county's schools share one government NAT.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCK_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for its address lock too; that would lock out every school behind one NAT.
# An address gets a limit of its own, high enough for that NAT (accounts.backends).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=200)
LOGIN_ADDRESS_MINUTES = env.int("LOGIN_ADDRESS_MINUTES", default=15)
AXES_WHITELIST_CALLABLE = "shipei.accounts.backends.not_tried"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "shipei.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "shipei.accounts.views.lockout_response"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "shipei.core.views_util.client_ip"

# Audit entries are kept at least 184 days (网络安全法 第二十一条: network logs at least six
# months); `shipei prune_audit` deletes older ones, never younger than this.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# Numbers (ID, mobile) refused as registered outside the actor's reach, per actor and window;
# past the limit every number outside the actor's reach is refused (accounts.elsewhere).
REGISTERED_ELSEWHERE_LIMIT = env.int("REGISTERED_ELSEWHERE_LIMIT", default=20)
REGISTERED_ELSEWHERE_HOURS = env.int("REGISTERED_ELSEWHERE_HOURS", default=24)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Before every app's catalogue: Django's own messages reworded to address users as 您.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FORMAT_MODULE_PATH = ["shipei.formats"]

STATIC_URL = "/static/"
# Apart from DATA_DIR in production: the proxy serves it, and must not read the uploads beside it.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "core/table.html"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "shipei.core.permissions.PasswordChanged",
    ],
    "DEFAULT_PAGINATION_CLASS": "shipei.core.api.Pagination",
    # JSON with a nesting limit (deep nesting was a RecursionError); form and multipart as usual.
    "DEFAULT_PARSER_CLASSES": [
        "shipei.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shipei.core.api.exception_handler",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "师培 API",
    "DESCRIPTION": "职业院校教师培训管理平台接口。所有数据按调用者的角色和机构范围过滤。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs describe every endpoint: for signed-in users (or a token) only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's button (nested controls: axe "serious").
    # Its JSON colouring is red on dark grey (2.9 : 1): plain text reads better.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": {"activated": False}},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrgKindEnum": "shipei.orgs.models.Organisation.Kind",
        "DesignationKindEnum": "shipei.orgs.models.Designation.Kind",
        "SchoolKindEnum": "shipei.orgs.models.Organisation.SchoolKind",
        "ProjectStatusEnum": "shipei.projects.models.Project.Status",
        "ProjectModeEnum": "shipei.projects.models.Project.Mode",
        "EnrollmentStatusEnum": "shipei.enrollment.models.Enrollment.Status",
        "EnrollmentChannelEnum": "shipei.enrollment.models.Enrollment.Channel",
        "ParticipantListStatusEnum": "shipei.enrollment.models.ParticipantList.Status",
        "CoreAssignmentStatusEnum": "shipei.staffing.models.Assignment.Status",
        "CoreStaffRoleEnum": "shipei.staffing.models.StaffRole",
        "SessionKindEnum": "shipei.schedule.models.Session.Kind",
        "SessionPracticeSiteEnum": "shipei.schedule.models.Session.PracticeSite",
        "ResourceKindEnum": "shipei.schedule.models.Resource.Kind",
        "CertificateStatusEnum": "shipei.certificates.models.Certificate.Status",
        "CertificateReasonEnum": "shipei.certificates.models.Certificate.Reason",
        "CreditClaimStatusEnum": "shipei.credits.models.Claim.Status",
        "CreditSourceEnum": "shipei.credits.models.Entry.Source",
    },
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

# Production has no default: the console backend would print login codes into the logs.
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default={
        "test": "shipei.core.sms.MemoryBackend",
        "demo": "shipei.core.sms.ConsoleBackend",
        "production": "",
    }[SHIPEI_ENV],
)
# The in-house SMS relay of shipei.core.sms_gateway.HttpGatewayBackend.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="shipei@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The site's own address, for the links in e-mails (https://shipei.example.gov.cn).
SITE_URL = env.str("SITE_URL", default="")
if PRODUCTION:
    # Printed, kept in memory or dropped, a login code or a notice would reach nobody.
    if SMS_BACKEND in {"", "shipei.core.sms.ConsoleBackend", "shipei.core.sms.MemoryBackend"}:
        raise environ.ImproperlyConfigured(
            "生产环境必须将 SMS_BACKEND 设置为短信网关的发送类，不能使用控制台或内存发送。"
        )
    if EMAIL_BACKEND in {
        f"django.core.mail.backends.{kind}.EmailBackend"
        for kind in ("console", "locmem", "dummy", "filebased")
    }:
        raise environ.ImproperlyConfigured(
            "生产环境必须将 EMAIL_BACKEND 设置为真实的邮件发送类（如 SMTP），不能使用控制台或内存发送。"
        )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_error_one_line": {"()": "shipei.core.logs.ClientErrorOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_error_one_line"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of every certificate's PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "django.request": {"filters": ["client_error_one_line"]},
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
