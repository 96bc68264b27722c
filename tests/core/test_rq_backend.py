"""With REDIS_URL set, tasks go through Redis and RQ: enqueue for real and run a burst worker."""

import os
import socket
import subprocess
import sys

import pytest

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def redis_up() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1).close()
        return True
    except OSError:
        return False


SCRIPT = """
import django; django.setup()
from django.core.management import call_command
from django.db import connection
from lawbridge.core.tasks import sweep_unsent_notification_emails
call_command("migrate", verbosity=0)
result = sweep_unsent_notification_emails.enqueue()
print("enqueued", result.status)
call_command("worker", batch=True)
result.refresh()
print("finished", result.status, result.return_value)
"""


def test_task_round_trip_through_redis(tmp_path):
    if not redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 (CI requires it)")
        pytest.skip("Redis is not running")
    db = 10 + (os.getpid() % 5)  # a database number of its own, flushed first
    subprocess.run([sys.executable, "-c", f"import redis; redis.Redis(db={db}).flushdb()"], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "LAWBRIDGE_", "DJANGO_"))}
    env.update(
        {
            "LAWBRIDGE_VAR_DIR": str(tmp_path),
            "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}",
            "DJANGO_SETTINGS_MODULE": "lawbridge.settings",
            "LAWBRIDGE_TESTING": "0",
        }
    )
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "enqueued READY" in out.stdout
    assert "finished SUCCESSFUL 0" in out.stdout
