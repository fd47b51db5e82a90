"""Settings for every environment, read from the environment in one place.

No environment at all is the embedded demo: SQLite, Celery tasks run in process, local files.
Setting DATABASE_URL (or DEMO_MODE=0) switches to production rules: SECRET_KEY and FIELD_ENCRYPTION_KEY
are required, staff need TOTP, cookies are secure.
"""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
# Demo mode: the embedded default for `make run`; never on when a real database is configured
# unless asked for explicitly.
DEMO_MODE = env_bool("DEMO_MODE", default=DATABASE_URL is None)
# pytest imports itself before it loads these settings, which marks a test run without extra setup.
TESTING = env_bool("TESTING", default="pytest" in sys.modules)
DEBUG = env_bool("DEBUG", default=DEMO_MODE and not TESTING)

if DEMO_MODE or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "demo-only-secret-key-not-for-production-use-0123456789abcdef")
    FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "ZGVtby1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy0wMDA=")
else:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    # Fernet key (urlsafe base64 of 32 bytes) for ID numbers and bank accounts; kept out of the DB.
    FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", required=True)
# Keyed hash for exact lookup of encrypted values; defaults to a key derived from the field key.
FIELD_LOOKUP_KEY = env_str("FIELD_LOOKUP_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEMO_MODE or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # kernel
    "guangyuan_jobs.core",
    "guangyuan_jobs.accounts",
    "guangyuan_jobs.registry",
    "guangyuan_jobs.policy",
    "guangyuan_jobs.audit",
    "guangyuan_jobs.casework",
    "guangyuan_jobs.reports",
    "guangyuan_jobs.notices",
    "guangyuan_jobs.imports",
    # business
    "subsidies",
    "training",
    "entrepreneurship",
    "priority_groups",
    "monitoring",
    "integrity",
    "stat_reports",
    "startup_parks",
    "startup_events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known (the 503's message), before any work: a shed request costs almost nothing.
    "guangyuan_jobs.core.middleware.LoadShedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "guangyuan_jobs.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages and the audit context: they tell the user why and record the source IP.
    "guangyuan_jobs.accounts.middleware.SessionLimitsMiddleware",
    "guangyuan_jobs.accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # AxesMiddleware last, as django-axes documents.
    "axes.middleware.AxesMiddleware",
]

# Load shedding (core/middleware.py): requests working at once per web process; 0 is off.
LOAD_SHED_CONCURRENCY = env_int("LOAD_SHED_CONCURRENCY", 0)
LOAD_SHED_WAIT_SECONDS = env_int("LOAD_SHED_WAIT_MS", 2000) / 1000
LOAD_SHED_RETRY_AFTER = env_int("LOAD_SHED_RETRY_AFTER", 5)
# The database out of reach (PostgreSQL restarting, a failover): 503 with this Retry-After, never a 500
# (core/middleware.py); CONN_HEALTH_CHECKS below lets persistent connections recover once it is back.
DB_UNAVAILABLE_RETRY_AFTER = env_int("DB_UNAVAILABLE_RETRY_AFTER", 5)
# The reads of every request prepared once per PostgreSQL session (core/db.py); off behind a transaction-pooling
# proxy (PgBouncer in transaction mode), which shares sessions between clients.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)

ROOT_URLCONF = "guangyuan_jobs.urls"
WSGI_APPLICATION = "guangyuan_jobs.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guangyuan_jobs.accounts.context_processors.navigation",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if TESTING else 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "guangyuan_jobs.accounts.backends.ModelBackendOneQuery",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2's cost is the point in production; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "guangyuan_jobs.accounts.validators.RoleMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
STAFF_PASSWORD_MAX_AGE_DAYS = env_int("STAFF_PASSWORD_MAX_AGE_DAYS", 90)

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle timeout by cookie age renewed on each request, absolute limit by middleware.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factors: TOTP for staff and SMS codes for applicants, outside the demo. Tests of other apps log
# staff in with force_login, so the test run turns TOTP off unless a test asks for it.
REQUIRE_STAFF_OTP = env_bool("REQUIRE_STAFF_OTP", default=not (DEMO_MODE or TESTING))
OTP_TOTP_ISSUER = "广元就业创业"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP secret
SMS_GATEWAY = env_str(
    "SMS_GATEWAY",
    "guangyuan_jobs.accounts.sms.LocmemSmsGateway" if TESTING else "guangyuan_jobs.accounts.sms.ConsoleSmsGateway",
)
# The HTTP gateway (guangyuan_jobs.notices.gateways.HttpSmsGateway) when SMS_GATEWAY names it.
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env_str("SMS_HTTP_TOKEN", "")
SMS_HTTP_SIGN = env_str("SMS_HTTP_SIGN", "【广元就业】")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)
# A Chinese TrueType font for the formal notices (PDF) when not in Debian's usual places (bin/install-fonts).
NOTICE_FONT_PATH = env_str("NOTICE_FONT_PATH", "")
SMS_CODE_TTL_MINUTES = env_int("SMS_CODE_TTL_MINUTES", 10)
# Applicants sign in with their password and then a code texted to their phone (RELIABILITY.md). The demo's
# console gateway prints the code in the server log; turn it off (0) only for a kiosk or a trial without phones.
APPLICANT_SMS_LOGIN = env_bool("APPLICANT_SMS_LOGIN", default=True)
SMS_CODE_MAX_ATTEMPTS = env_int("SMS_CODE_MAX_ATTEMPTS", 5)
# Against SMS bombing and toll fraud: one code per phone a minute, a few an hour, and a cap per client IP.
SMS_RESEND_SECONDS = env_int("SMS_RESEND_SECONDS", 60)
SMS_MAX_PER_PHONE_PER_HOUR = env_int("SMS_MAX_PER_PHONE_PER_HOUR", 5)
SMS_MAX_PER_IP_PER_HOUR = env_int("SMS_MAX_PER_IP_PER_HOUR", 20)
# Objections to a public notice are lodged without signing in: a cap per client IP and hour.
OBJECTION_MAX_PER_IP_PER_HOUR = env_int("OBJECTION_MAX_PER_IP_PER_HOUR", 5)

# django-axes: 5 failures per username and IP lock for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Renders that template with the time the lock ends, and the API's JSON error shape under /api/.
AXES_LOCKOUT_CALLABLE = "guangyuan_jobs.accounts.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None
# X-Forwarded-For is trusted only behind a known number of proxies; otherwise a client could change its
# "address" on every try and never be locked out.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The demo and the tests serve static files from the app folders; production from collectstatic's output.
STATIC_ROOT = None if DEMO_MODE or TESTING else BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEMO_MODE or TESTING
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded and exported files are served only through permission-checked views, never by URL.
MEDIA_URL = "/media-not-served/"

S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "region_name": env_str("S3_REGION"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEMO_MODE or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
AUDIT_RETENTION_DAYS = max(env_int("AUDIT_RETENTION_DAYS", 365), 184)

# Cache and Celery: Redis when configured; otherwise in-process.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # Tests run tasks in process unless a test starts a real worker (tests/conftest.py: celery_worker).
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 1800)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "guangyuan_jobs.reports.tasks.*": {"queue": "exports"},
    "guangyuan_jobs.casework.tasks.batch_*": {"queue": "batch"},
}
# A task whose worker died unacknowledged is delivered again after this many seconds (Redis transport);
# workers look for such tasks every few seconds (kombu's default sweep is every 100 s).
_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    "unacked_restore_interval": max(1, min(10, _visibility_timeout // 10)),
    "unacked_restore_throttle": 1,
}
# A job still waiting this long after it was recorded lost its task and is queued again (at most LIMIT a run).
JOBS_STALLED_AFTER_SECONDS = env_int("JOBS_STALLED_AFTER_SECONDS", 600)
JOBS_RESUME_LIMIT = 500
# Cases per transaction in a batch job (casework): large enough that per-task overhead vanishes, small enough
# that row locks are short.
CASEWORK_BATCH_CHUNK_SIZE = env_int("CASEWORK_BATCH_CHUNK_SIZE", 5000)
# Tasks a batch job is started with: each runs the job chunk by chunk, taking the chunks no other holds, so a
# job uses that many worker processes (and database backends) at once.
CASEWORK_BATCH_WORKERS = max(1, env_int("CASEWORK_BATCH_WORKERS", 2))
# An API client's Idempotency-Key replays its first response this long, then is purged hourly: far beyond any
# client's retries (minutes), and past a week-long holiday a phone app may sleep through.
IDEMPOTENCY_KEY_RETENTION_DAYS = env_int("IDEMPOTENCY_KEY_RETENTION_DAYS", 10)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Resumes payment batches whose settlement task was lost between commit and publish.
    "payment-batches-settle": {"task": "subsidies.tasks.payment_batches_settle_pending", "schedule": 600},
    "lapse-missing-materials": {"task": "guangyuan_jobs.casework.tasks.lapse_overdue_materials", "schedule": 3600},
    "seal-audit-chain": {"task": "guangyuan_jobs.audit.tasks.seal_audit_chain", "schedule": 60},
    # Jobs recorded but never queued (broker down at the time) are queued again; see core/resumable.py.
    "resume-stalled-jobs": {"task": "guangyuan_jobs.core.tasks.stalled_jobs_resume", "schedule": 300},
    "purge-expired-exports": {"task": "guangyuan_jobs.reports.tasks.purge_expired_exports", "schedule": 3600},
    "lapse-unconfirmed-refunds": {"task": "subsidies.tasks.roster_refunds_lapse", "schedule": 3600},
    "purge-idempotency-keys": {"task": "guangyuan_jobs.casework.tasks.idempotency_keys_purge", "schedule": 3600},
    # Nightly screening of open and approved-unpaid cases by the risk rules (integrity).
    "integrity-nightly-screening": {"task": "integrity.tasks.screen_open_cases",
                                    "schedule": crontab(hour=2, minute=30)},
    # Applicants' SMS whose retry time has come; reminders of missing materials (sent in daytime, once each).
    "notifications-retry": {"task": "guangyuan_jobs.notices.tasks.notifications_retry", "schedule": 60},
    "missing-material-reminders": {"task": "guangyuan_jobs.notices.tasks.missing_material_reminders",
                                   "schedule": 3600},
    # The managers' dashboard reads summary rows (monitoring/summaries.py); late monitoring returns are chased
    # once per firm and month however often the reminder task runs.
    "dashboard-summaries-current": {"task": "monitoring.tasks.indicator_summaries_refresh_current", "schedule": 300},
    "dashboard-summaries-all": {"task": "monitoring.tasks.indicator_summaries_refresh_all", "schedule": 86400},
    "monitoring-return-reminders": {"task": "monitoring.tasks.return_reminders_send_due", "schedule": 3600},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "guangyuan_jobs.core.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "guangyuan_jobs.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "广元就业创业服务平台 API",
    "DESCRIPTION": "Guangyuan employment-service portal API. Public references (e.g. WGFH-2026-000123) name cases.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The framework's own answers (403, 404 for pages and paths) and the error shape on every operation.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "guangyuan_jobs.core.openapi.document_common_errors"],
    # One name for the case status wherever it appears (status, from_status, to_status).
    "ENUM_NAME_OVERRIDES": {"CaseStatusEnum": "guangyuan_jobs.casework.models.CaseStatus",
                            "ExportJobStatusEnum": "guangyuan_jobs.reports.models.ExportJob.Status",
                            "RosterImportStatusEnum": "subsidies.models.RosterImport.Status",
                            "ObjectionStatusEnum": "subsidies.models.Objection.Status",
                            "FindingStatusEnum": "integrity.models.Finding.Status",
                            "RecoveryStatusEnum": "integrity.models.Recovery.Status",
                            "RecoveryReceiptKindEnum": "integrity.models.RecoveryReceipt.Kind",
                            "ServiceChannelEnum": "priority_groups.models.ServiceChannel",
                            "LoanStatusEnum": "entrepreneurship.models.LoanStatus",
                            "FormalNoticeKindEnum": "guangyuan_jobs.notices.models.NoticeKind",
                            "EventStatusEnum": "startup_events.models.EventStatus",
                            "AwardLevelEnum": "startup_events.models.AwardLevel",
                            "ParkKindEnum": "startup_parks.models.ParkKind",
                            "ParkLevelEnum": "startup_parks.models.ParkLevel",
                            "ParkStatusEnum": "startup_parks.models.ParkStatus",
                            "ParkApplicationStatusEnum": "startup_parks.models.ApplicationStatus",
                            "ParkCertificateStatusEnum": "startup_parks.models.CertificateStatus"},
}

# Production hardening; `check --deploy --fail-level WARNING` passes with these.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not (DEMO_MODE or TESTING):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "guangyuan_jobs.core.masking.MaskPiiLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes logs an INFO line on every sign-in; failures and lockouts are in the audit trail.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
