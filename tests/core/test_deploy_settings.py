"""Production settings: `check --deploy` is clean, and a missing secret stops startup with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEMO_", "PYTEST"))}
    env.update({
        "DATABASE_URL": "postgres://guangyuan:x@127.0.0.1:5432/guangyuan_deploy_check",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SECRET_KEY": "k" * 20 + "x9$Q!mZ#pL2@vR7&wT4^yU6*" + "a1b2c3d4e5f6g7h8",
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "jobs.example.gov.cn",
        "DEMO_MODE": "0",
        "TESTING": "0",
    })
    env.update(overrides)
    return env


def _manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_startup_fails_clearly_without_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_startup_fails_clearly_without_field_encryption_key():
    env = _production_env()
    env.pop("FIELD_ENCRYPTION_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY is required" in result.stderr
