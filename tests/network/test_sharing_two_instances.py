"""Two Lawbridge instances on loopback: a second city (Ningbo, its own SQLite database and data directory)
runs as a real server; this one registers it as a peer and pulls its shared experts, then pulls its changes."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from lawbridge.network import selectors, sharing
from lawbridge.network.choices import ReviewStatus
from lawbridge.network.models import Expert, Peer

pytestmark = pytest.mark.django_db

LAWBRIDGE = [sys.executable, "-m", "lawbridge"]

SEED = """
import json
from lawbridge.network import services
from lawbridge.network.models import Institution

institution = services.institution_apply(
    actor=None, kind="arbitration", name="宁波仲裁委员会", name_en="Ningbo Arbitration Commission",
    district_code="330203", licence_number="NB-ARB-1",
)
Institution.objects.filter(pk=institution.pk).update(status="verified")
made = {}
for n, (name, latin, shared) in enumerate(
    [("王芳", "Wang Fang", True), ("陈静", "Chen Jing", True), ("刘洋", "Liu Yang", True), ("赵磊", "Zhao Lei", False)]
):
    expert = services.expert_create(
        actor=None, institution=institution, kind="arbitrator", name=name, name_latin=latin, home_city="ningbo",
        status="verified", is_shared=shared, languages=[("zh", "native"), ("ja", "fluent")],
        practice_areas=["international-contracts"], jurisdictions=["JP"],
        credentials=[{"kind": "arbitrator_appointment", "issuer": "宁波仲裁委员会", "number": f"NB-{n}",
                      "expires_on": __import__("datetime").date(2099, 1, 1)}],
    )
    made[latin] = str(expert.public_id)
print("SEEDED " + json.dumps(made))
"""

CHANGE = """
from lawbridge.network import services
from lawbridge.network.models import Expert

services.expert_update(actor=None, expert=Expert.objects.get(name_latin="Wang Fang"), name="王芳芳")
services.expert_update(actor=None, expert=Expert.objects.get(name_latin="Chen Jing"), is_shared=False)
print("CHANGED")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ningbo_data(root: Path) -> Path:
    """A data directory for a second city: Ningbo's city file, the shared lists (taxonomies) as they are."""
    data = root / "data"
    (data / "cities").mkdir(parents=True)
    shutil.copytree(Path(settings.LAWBRIDGE_DATA_DIR) / "taxonomies", data / "taxonomies")
    city = json.loads((Path(settings.LAWBRIDGE_DATA_DIR) / "cities" / "hangzhou.json").read_text(encoding="utf-8"))
    city.update(
        {
            "slug": "ningbo",
            "name": {"zh-hans": "宁波市", "en": "Ningbo"},
            "division_code": "330200",
            "center": {
                "slug": "nb-center",
                "name": {"zh-hans": "宁波市涉外法律服务中心", "en": "Ningbo Foreign-related Legal Service Center"},
                "district_code": "330203",
            },
            "districts": [
                {"code": "330203", "kind": "district", "name": {"zh-hans": "海曙区", "en": "Haishu District"}},
                {"code": "330206", "kind": "district", "name": {"zh-hans": "北仑区", "en": "Beilun District"}},
            ],
            "workstations": [],
        }
    )
    city.pop("request_prefix", None)
    (data / "cities" / "ningbo.json").write_text(json.dumps(city, ensure_ascii=False), encoding="utf-8")
    return data


class Remote:
    """The second instance: its environment, its management commands, its server."""

    def __init__(self, root: Path):
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "LAWBRIDGE_", "DJANGO_", "REDIS_URL", "PYTEST_"))
        }
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "lawbridge.settings",
                "LAWBRIDGE_VAR_DIR": str(root / "var"),
                "LAWBRIDGE_DATA_DIR": str(ningbo_data(root)),
                "LAWBRIDGE_CITY": "ningbo",
                "LAWBRIDGE_TESTING": "0",
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.proc: subprocess.Popen | None = None
        self.base = ""

    def run(self, *args: str) -> str:
        done = subprocess.run(
            LAWBRIDGE + list(args), env=self.env, capture_output=True, text=True, timeout=180, check=False
        )
        assert done.returncode == 0, f"lawbridge {args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def shell(self, code: str) -> str:
        return self.run("shell", "--no-startup", "-c", code)

    def start(self) -> None:
        """Start the server on a free port and wait until it answers; a port taken meanwhile gets another."""
        for _attempt in range(3):
            port = free_port()
            self.proc = subprocess.Popen(
                LAWBRIDGE + ["runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            self.base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                        if response.status == 200:
                            return
                except OSError:
                    time.sleep(0.2)
            self.stop()
        pytest.fail(f"the second instance did not start:\n{self.output}")

    output = ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.output, _ = self.proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.output, _ = self.proc.communicate(timeout=15)
        self.proc = None


@pytest.fixture
def ningbo(tmp_path):
    remote = Remote(tmp_path)
    remote.run("migrate", "-v0")
    remote.run("createcachetable")
    try:
        remote.start()
        yield remote
    finally:
        remote.stop()


def test_pull_another_city_over_http_then_its_changes(ningbo, monkeypatch, capsys):
    seeded = json.loads(ningbo.shell(SEED).split("SEEDED ", 1)[1])
    monkeypatch.setattr(sharing, "PULL_PAGE_SIZE", 2)  # so the pull follows `next` over HTTP

    call_command("network", "peer-add", "ningbo", ningbo.base + "/api/v1/network/shared-experts")
    call_command("network", "pull")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary == {
        "peer": "ningbo",
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "skipped": 0,
        "pages": 2,
        "unknown_codes": [],
        "error": None,
    }

    peer = Peer.objects.get(name="ningbo")
    assert peer.city("zh-hans") == "宁波市" and peer.city("en") == "Ningbo"  # learnt from the feed
    assert peer.cursor and peer.last_error == ""
    copies = {e.name_latin: e for e in Expert.objects.filter(source=peer)}
    assert set(copies) == {"Wang Fang", "Chen Jing", "Liu Yang"}  # Zhao Lei is not shared
    wang = copies["Wang Fang"]
    assert str(wang.external_id) == seeded["Wang Fang"]
    assert wang.is_external and wang.status == ReviewStatus.VERIFIED and wang.credentials_ok
    assert wang.source.city("en") == "Ningbo" and wang.home_city == "ningbo"
    assert wang.institution_name("en") == "Ningbo Arbitration Commission"
    assert wang.external_url == f"{ningbo.base}/network/experts/{seeded['Wang Fang']}/"
    assert not wang.credentials.filter(number__startswith="NB-").exists()  # numbers stay at home
    visitor = AnonymousUser()
    assert not visitor.has_perm("network.change_expert", wang)
    page = selectors.expert_directory(user=visitor, filters={"city": ["ningbo"], "language": ["ja"]})
    assert {e.name_latin for e in page.items} == set(copies)
    city_facet = next(f for f in page.facets if f.name == "city")
    assert {v.value: v.count for v in city_facet.values}["ningbo"] == 3
    assert [e.pk for e in selectors.expert_directory(user=visitor, q="wangfang").items] == [wang.pk]

    # Ningbo renames one expert and stops sharing another; the next pull asks only for changes.
    assert "CHANGED" in ningbo.shell(CHANGE)
    call_command("network", "pull", "ningbo")
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (summary["created"], summary["updated"], summary["withdrawn"], summary["error"]) == (0, 1, 1, None)
    wang.refresh_from_db()
    assert wang.name == "王芳芳"
    assert not Expert.objects.filter(source=peer, name_latin="Chen Jing").exists()
    page = selectors.expert_directory(user=visitor, filters={"city": ["ningbo"]})
    assert {e.name_latin for e in page.items} == {"Wang Fang", "Liu Yang"}

    # A peer that has gone away: the command fails clearly, the error is kept, nothing is lost.
    ningbo.stop()
    monkeypatch.setattr(sharing, "_sleep", lambda seconds: None)
    with pytest.raises(CommandError, match="ningbo: could not reach"):
        call_command("network", "pull", "ningbo")
    peer.refresh_from_db()
    assert "could not reach" in peer.last_error
    assert Expert.objects.filter(source=peer).count() == 2
