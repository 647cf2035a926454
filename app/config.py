"""Settings from environment variables, with safe local defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """The settings do not allow the application to start safely."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path, production: bool) -> str:
    """Return SECRET_KEY; in development generate one once and keep it in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set when TALKA_ENV=production.")
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written with owner-only permissions: the key signs sessions and e-mailed links.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config(overrides: dict | None = None) -> dict:
    """Build the configuration mapping, read at call time (never at import)."""
    overrides = dict(overrides or {})
    instance = Path(overrides.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
                    or DEFAULT_INSTANCE)
    env = overrides.get("TALKA_ENV") or os.environ.get("TALKA_ENV", "development")
    production = env == "production"
    testing = bool(overrides.get("TESTING"))

    config: dict = {
        "TALKA_ENV": env,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'talka.sqlite'}"
        ),
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", str(instance / "uploads")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "12")) * 1024 * 1024,
        # Days after a pilot's end in which its late invoices may still be recorded.
        "PILOT_EXPENSE_GRACE_DAYS": int(os.environ.get("PILOT_EXPENSE_GRACE_DAYS", "60")),
        "PORT": int(os.environ.get("PORT", "5000")),
        # Mail: SMTP when MAIL_SERVER is set, else the outbox only.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Talka <noreply@talka.lv>"),
        # How long a worker's claim on a message holds before another may take it over
        # (the first worker died mid-send); longer than any SMTP conversation.
        "MAIL_CLAIM_SECONDS": int(os.environ.get("MAIL_CLAIM_SECONDS", "300")),
        # The job queue: Redis when set (several instances and workers), else SQLite in
        # instance/. JOBS_IMMEDIATE runs every task at once in the caller (tests).
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "JOBS_IMMEDIATE": _bool("JOBS_IMMEDIATE", testing),
        "SITE_URL": os.environ.get("SITE_URL", ""),
        # PUBLIC_CACHE=0 turns off every server-side page cache (front cache, kept pages and
        # open-data files), so that the real render path can be measured and debugged. The
        # whole-table figures (app/public/summaries.py) and the rows rendered from them
        # (app/public/fragments.py) stay: they are summaries of the current data, not pages,
        # the same for every reader, and are worked out again whenever public data changes.
        "PUBLIC_CACHE": _bool("PUBLIC_CACHE", True),
        # Text answers compressed for clients that accept it (Flask-Compress): brotli first,
        # gzip for the rest; files sent in chunks (static files) likewise.
        "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/javascript",
                               "application/javascript", "application/json",
                               "application/problem+json", "application/atom+xml",
                               "application/xml", "text/xml", "text/plain", "text/csv",
                               "image/svg+xml"],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        # How many reverse proxies stand in front (README: gunicorn behind a TLS proxy).
        # Their X-Forwarded-For/-Proto are trusted, so throttles and logs see the real
        # address and scheme; 0 (the default) trusts no such header.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Who runs this installation: named on the accessibility and privacy pages.
        "OPERATOR_NAME": os.environ.get("OPERATOR_NAME", ""),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", ""),
        # Rate limits: memory by default, Redis (or another store) for several workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or os.environ.get("REDIS_URL") or "memory://",
        # Should Redis go away, limits count per process until it is back, rather than
        # every limited page answering 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 10 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        # Sessions and cookies.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "PASSWORD_RESET_MAX_AGE": 60 * 60,
        "EMAIL_CONFIRM_MAX_AGE": 60 * 60 * 24 * 3,
        # The programme's result indicator: people trained, in all and per planning region
        # ("260" for every region, or "riga=300,kurzeme=260,..."), over the programme's period.
        "PROGRAMME_TARGET_TOTAL": int(os.environ.get("PROGRAMME_TARGET_TOTAL", "1300")),
        "PROGRAMME_TARGET_PER_REGION": os.environ.get("PROGRAMME_TARGET_PER_REGION", "260"),
        "PROGRAMME_STARTS_ON": os.environ.get("PROGRAMME_STARTS_ON", "2023-01-01"),
        "PROGRAMME_ENDS_ON": os.environ.get("PROGRAMME_ENDS_ON", "2026-08-31"),
        # Babel: Latvian first.
        "BABEL_DEFAULT_LOCALE": "lv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Riga",
        "LANGUAGES": ["lv", "en"],
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # OpenAPI document generated by flask-smorest.
        "API_TITLE": "Talka API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
    if not testing and not overrides.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_key(instance, production)
    config.update(overrides)
    if production and not config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set when TALKA_ENV=production.")
    site = str(config.get("SITE_URL") or "").rstrip("/")
    if production and not site:
        raise ConfigError("SITE_URL must be set when TALKA_ENV=production, e.g. "
                          "https://talka.example.lv: every link in e-mails, feeds and pages "
                          "is built from it, never from the request's Host header.")
    if site:
        parts = urlsplit(site)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
            raise ConfigError("SITE_URL must be an origin like https://talka.example.lv "
                              "(a scheme and a host, no path).")
        config["SITE_URL"] = site
    config["TRUSTED_HOSTS"] = trusted_hosts(config)
    return config


def trusted_hosts(config: dict) -> list[str]:
    """The Host headers answered: TRUSTED_HOSTS when set; else SITE_URL's host plus the
    machine's own names (health checks, local tools); with no SITE_URL (local use) the
    machine's own names and SERVER_NAME. Any other Host gets 400, so that nobody can have a
    reset link or a cached page built for a host of their choosing."""
    if "TRUSTED_HOSTS" in config and config["TRUSTED_HOSTS"] is not None:
        raw = config["TRUSTED_HOSTS"]
        return [h.strip() for h in (raw.split(",") if isinstance(raw, str) else raw)
                if h.strip()]
    listed = os.environ.get("TRUSTED_HOSTS", "")
    if listed.strip():
        return [h.strip() for h in listed.split(",") if h.strip()]
    local = ["localhost", "127.0.0.1"]
    site = config.get("SITE_URL")
    if site:
        return [str(urlsplit(site).hostname), *local]
    server = str(config.get("SERVER_NAME") or "").split(":")[0]
    return [server, *local] if server else local
