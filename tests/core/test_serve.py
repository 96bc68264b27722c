"""`lawbridge serve` (what `make run` starts): gunicorn, the worker and the scheduler come up together,
serve pages and static files, run tasks, and all stop on Ctrl-C."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_serve_runs_web_worker_and_scheduler_and_stops_on_ctrl_c(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "LAWBRIDGE_", "DJANGO_"))}
    env.update({"LAWBRIDGE_VAR_DIR": str(tmp_path), "LAWBRIDGE_TESTING": "0", "WEB_CONCURRENCY": "1"})
    lawbridge = [sys.executable, "-m", "lawbridge"]
    for args in (["migrate", "-v0"], ["createcachetable"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run(lawbridge + args, env=env, check=True, timeout=120)
    port = free_port()
    proc = subprocess.Popen(
        lawbridge + ["serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(base + "/readyz")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, body = get(base + "/")
        assert status == 200 and b"Lawbridge" in body
        css = body.decode().split('href="/static/core/lawbridge.')[1].split('"')[0]
        assert get(base + "/static/core/lawbridge." + css)[0] == 200  # WhiteNoise, hashed name
        # The scheduler enqueues the periodic jobs at once and the worker runs them.
        db = sqlite3.connect(tmp_path / "lawbridge.sqlite3")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done = db.execute("select count(*) from django_tasks_database_dbtaskresult where status='SUCCESSFUL'")
            if done.fetchone()[0] >= 2:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the worker did not run the scheduled jobs")
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "Stopped." in output
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/healthz")
