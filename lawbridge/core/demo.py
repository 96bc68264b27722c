"""The demo-data framework. Each app may have a ``demo.py`` with ``build(data, report)``;
``lawbridge demo`` runs them in INSTALLED_APPS order. Builders must be idempotent:
running the demo twice changes nothing."""

import json
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import transaction


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[object, str, str]] = field(default_factory=list)  # (role label, lazy; email; note)

    def count(self, what: str, created: bool) -> None:
        if created:
            self.created[what] = self.created.get(what, 0) + 1


def load_demo_data() -> dict:
    with (settings.LAWBRIDGE_DATA_DIR / "demo.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def build() -> DemoReport:
    data = load_demo_data()
    report = DemoReport()
    with transaction.atomic():
        for config in apps.get_app_configs():
            if not config.name.startswith("lawbridge."):
                continue
            module_name = f"{config.name}.demo"
            if config.name == "lawbridge.core" or find_spec(module_name) is None:
                continue
            import_module(module_name).build(data, report)
    return report
