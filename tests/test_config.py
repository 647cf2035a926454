"""Settings: safe local defaults, a kept development secret, refusal to run production
without a secret, and SQLite opened with foreign keys and WAL."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.config import ConfigError, load_config


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "TALKA_ENV", "DATABASE_URL", "INSTANCE_PATH", "UPLOAD_DIR",
                 "PORT", "MAIL_SERVER", "RATELIMIT_STORAGE_URI", "SITE_URL", "TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_without_a_secret_key_refuses_to_start(clean_env, tmp_path):
    with pytest.raises(ConfigError):
        create_app({"TALKA_ENV": "production", "INSTANCE_PATH": str(tmp_path)})
    clean_env.setenv("TALKA_ENV", "production")
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists(), "production must not invent a key"


def test_production_starts_with_a_secret_key_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("TALKA_ENV", "production")
    clean_env.setenv("SECRET_KEY", "from the environment, long and random")
    clean_env.setenv("SITE_URL", "https://talka.example.lv")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.secret_key == "from the environment, long and random"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_starts_with_a_secret_key_given_to_create_app(clean_env, tmp_path):
    app = create_app({"TALKA_ENV": "production", "SECRET_KEY": "given directly, long enough",
                      "SITE_URL": "https://talka.example.lv",
                      "INSTANCE_PATH": str(tmp_path)})
    assert app.secret_key == "given directly, long enough"


def test_development_generates_a_secret_key_once_and_keeps_it(clean_env, tmp_path):
    first = load_config({"INSTANCE_PATH": str(tmp_path / "instance")})
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first["SECRET_KEY"]) >= 32
    assert key_file.read_text().strip() == first["SECRET_KEY"]

    second = load_config({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.secret_key == first["SECRET_KEY"]


def test_development_secret_keys_differ_between_installations(clean_env, tmp_path):
    one = load_config({"INSTANCE_PATH": str(tmp_path / "a")})["SECRET_KEY"]
    two = load_config({"INSTANCE_PATH": str(tmp_path / "b")})["SECRET_KEY"]
    assert one != two


def test_local_defaults(clean_env, tmp_path):
    config = load_config({"INSTANCE_PATH": str(tmp_path)})
    assert config["TALKA_ENV"] == "development"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'talka.sqlite'}"
    assert config["UPLOAD_DIR"] == str(tmp_path / "uploads")
    assert config["MAIL_SERVER"] == ""
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["PORT"] == 5000
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["BABEL_DEFAULT_LOCALE"] == "lv"


def test_settings_are_read_from_the_environment_at_call_time(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://talka@db.example/talka")
    clean_env.setenv("UPLOAD_DIR", "/srv/talka/uploads")
    clean_env.setenv("PORT", "8080")
    clean_env.setenv("MAIL_SERVER", "smtp.example.lv")
    clean_env.setenv("RATELIMIT_STORAGE_URI", "redis://cache:6379/0")
    config = load_config({"INSTANCE_PATH": str(tmp_path)})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://talka@db.example/talka"
    assert config["UPLOAD_DIR"] == "/srv/talka/uploads"
    assert config["PORT"] == 8080
    assert config["MAIL_SERVER"] == "smtp.example.lv"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


@pytest.fixture
def sqlite_app(test_config, tmp_path):
    from app.extensions import db

    app = create_app({**test_config,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pragmas.sqlite'}"})
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_app):
    from app.extensions import db

    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_sqlite_refuses_a_dangling_reference(sqlite_app):
    from app.accounts.models import User
    from app.extensions import db

    db.session.add(User(email="x@example.lv", name="X", password_hash="-",
                        municipality_id=987654))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_dates_money_and_numbers_follow_the_locale_and_riga_time(app):
    from datetime import UTC, datetime
    from decimal import Decimal

    from flask_babel import force_locale

    from app.core.formatting import fmt_datetime, fmt_money, fmt_number

    late_evening_utc = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)  # 00:30 next day in Riga
    with app.test_request_context("/"), force_locale("lv"):
        assert "00:30" in fmt_datetime(late_evening_utc)
        assert "16" in fmt_datetime(late_evening_utc)
        assert fmt_money(Decimal("366722.00")).replace("\xa0", " ") == "366 722,00 €"
        assert fmt_number(Decimal("1234.5")).replace("\xa0", " ") == "1 234,5"
    with app.test_request_context("/"), force_locale("en"):
        assert fmt_datetime(late_evening_utc) == "16 Jan 2026, 00:30"  # British order
        assert fmt_money(Decimal("366722.00")) == "€366,722.00"
