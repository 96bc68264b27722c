"""Configuration by environment: production mode passes Django's deployment checks; bad config fails loudly."""

import json
import os
import subprocess
import sys

import pytest

BASE = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LAWBRIDGE_", "DATABASE_URL", "REDIS_URL"))}


def lawbridge(args, env, tmp_path):
    full_env = {**BASE, "LAWBRIDGE_VAR_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "lawbridge", *args], env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_passes_check_deploy(tmp_path):
    result = lawbridge(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "LAWBRIDGE_ENV": "production",
            "SECRET_KEY": "x" * 64 + "-a-long-random-production-key-9f8e7d",
            "ALLOWED_HOSTS": "lawbridge.example.gov.cn",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing, tmp_path):
    env = {"LAWBRIDGE_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "example.org"}
    del env[missing]
    result = lawbridge(["check"], env, tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr


def test_secret_key_is_generated_once_into_the_var_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {**BASE, "LAWBRIDGE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lawbridge.settings"}

    def run():
        return subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + code],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()

    first, second = run(), run()
    assert first and first == second
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


SETTINGS_AS_JSON = (
    "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'db': s.DATABASES['default']['ENGINE'], 'email': s.EMAIL_BACKEND, 'tasks': s.TASKS['default']['BACKEND'],"
    "'cache': s.CACHES['default']['BACKEND'], 'langs': [c for c, _ in s.LANGUAGES]}))"
)


def settings_with(tmp_path, **env) -> dict:
    """The settings a fresh process computes from this environment."""
    full_env = {
        **BASE,
        "LAWBRIDGE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "lawbridge.settings",
        "LAWBRIDGE_TESTING": "0",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", SETTINGS_AS_JSON], env=full_env, capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


def test_environment_selects_database_email_and_tasks(tmp_path):
    default = settings_with(tmp_path)
    assert default["db"] == "django.db.backends.sqlite3"
    assert default["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert default["tasks"] == "django_tasks_db.DatabaseBackend"
    assert {"en", "zh-hans"} <= set(default["langs"])
    scaled = settings_with(
        tmp_path,
        DATABASE_URL="postgres://u:p@db.internal:5432/lawbridge",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp://mailer:secret@smtp.example.org:587/?tls=True",
    )
    assert scaled["db"] == "django.db.backends.postgresql"
    assert scaled["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert scaled["tasks"] == "django_tasks_rq.RQBackend"
    assert scaled["cache"] == "django.core.cache.backends.redis.RedisCache"
    narrowed = settings_with(tmp_path, LAWBRIDGE_LANGUAGES="zh-hans")
    assert narrowed["langs"] == ["zh-hans"]
