"""Settings come from the environment and run with zero set-up."""

from __future__ import annotations

import pytest

from forum import config, create_app


def test_database_url_defaults_to_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url(str(tmp_path)) == f"sqlite:///{tmp_path}/multaqa.sqlite3"


@pytest.mark.parametrize("given", ["postgres://u@h:5432/db", "postgresql://u@h:5432/db"])
def test_postgres_urls_use_the_psycopg3_driver(monkeypatch, tmp_path, given):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config.database_url(str(tmp_path)) == "postgresql+psycopg://u@h:5432/db"


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(str(tmp_path), "development")
    assert len(first) >= 40
    assert config.secret_key(str(tmp_path), "development") == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MULTAQA_ENV", "production")
    with pytest.raises(config.ConfigError):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("MULTAQA_ENV", "production")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"]


def test_redis_url_switches_jobs_and_rate_limits_to_redis(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("JOBS_BACKEND", raising=False)
    settings = config.load(str(tmp_path))
    assert settings["JOBS_BACKEND"] == "rq"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_base_url_makes_external_links_absolute_outside_requests(monkeypatch, tmp_path):
    monkeypatch.setenv("BASE_URL", "https://forum.example.ma")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "k"})
    from flask import url_for

    with app.app_context():
        assert url_for("events.home", _external=True) == "https://forum.example.ma/"


def test_a_malformed_base_url_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("BASE_URL", "forum.example.ma")
    with pytest.raises(config.ConfigError):
        config.load(str(tmp_path))


@pytest.mark.parametrize("given", ["-1", "one"])
def test_trusted_proxies_must_be_a_count(monkeypatch, tmp_path, given):
    monkeypatch.setenv("TRUSTED_PROXIES", given)
    with pytest.raises(config.ConfigError, match="TRUSTED_PROXIES"):
        config.load(str(tmp_path))
