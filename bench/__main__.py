"""``make bench``: run every bench/bench_*.py module's ``run()`` and print its figures.

Benchmarks use a throw-away SQLite database under a temporary LAWBRIDGE_VAR_DIR, so they
never touch the real one. Tests check correctness; figures are measured here.
"""

import importlib
import os
import pkgutil
import sys
import tempfile
import time


def main() -> int:
    var_dir = tempfile.mkdtemp(prefix="lawbridge-bench-")
    os.environ.setdefault("LAWBRIDGE_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lawbridge.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    import bench

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    only = sys.argv[1:]
    for name in names:
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        print(f"== {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}")
        module.run()
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
