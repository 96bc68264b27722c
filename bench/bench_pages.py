"""Requests per second for the home page, the dashboard and /api/v1/me, in-process (no network)."""

import statistics
import time

from django.test import Client


def measure(client: Client, path: str, n: int = 200, **headers) -> tuple[float, float]:
    client.get(path, **headers)  # warm up
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(path, **headers)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (path, response.status_code)
    return len(times) / sum(times), statistics.quantiles(times, n=100)[94] * 1000


def run() -> None:
    from django.core.management import call_command

    from lawbridge.accounts.models import User
    from lawbridge.accounts.services import api_token_create

    call_command("demo", quiet=True, verbosity=0)
    anonymous = Client()
    user = User.objects.get(email="enterprise.admin@lawbridge.example")
    signed_in = Client()
    signed_in.force_login(user)
    _, raw = api_token_create(user=user, name="bench")
    for label, client, path, headers in [
        ("home page (anonymous)", anonymous, "/", {}),
        ("dashboard (enterprise admin)", signed_in, "/dashboard/", {}),
        ("GET /api/v1/me (token)", anonymous, "/api/v1/me", {"HTTP_AUTHORIZATION": f"Bearer {raw}"}),
        ("GET /api/v1/organisations (session)", signed_in, "/api/v1/organisations", {}),
    ]:
        rps, p95 = measure(client, path, **headers)
        print(f"   {label:<40} {rps:8.0f} req/s   p95 {p95:6.2f} ms")
