"""``lawbridge delivery …``: the transparency log's command-line tools.

lawbridge delivery audit [--no-progress]   recompute the whole tree; check every node, the head and every checkpoint
lawbridge delivery checkpoint              sign a checkpoint of the log as it is now
lawbridge delivery rotate-key              make a new signing key active (old checkpoints stay verifiable)
lawbridge delivery status                  size, latest checkpoint and the verifier keys
lawbridge delivery receipt INDEX [--out F] export one entry's receipt (entry, proof, checkpoint, key) as JSON
lawbridge delivery verify RECEIPT.json [--key VKEY …]   check a receipt fully offline; exit non-zero if it fails
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError, no_translations


class Command(BaseCommand):
    help = "Service of process: the transparency log (audit, checkpoints, signing keys)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        audit = sub.add_parser("audit", help="Check the whole log; exit non-zero and name the first divergence.")
        audit.add_argument("--no-progress", action="store_true", help="No progress bars on standard error.")
        sub.add_parser("checkpoint", help="Sign a checkpoint of the log as it is now.")
        sub.add_parser("rotate-key", help="Generate a new signing key and make it the active one.")
        sub.add_parser("status", help="Show the log's size, latest checkpoint and verifier keys.")
        receipt = sub.add_parser("receipt", help="Export the receipt of one entry as JSON.")
        receipt.add_argument("index", type=int)
        receipt.add_argument("--out", default="-", help="File to write (default: standard output).")
        verify = sub.add_parser("verify", help="Check a receipt offline (no database, no network).")
        verify.add_argument("file")
        verify.add_argument(
            "--key", action="append", default=[], help="A verifier key obtained separately (trusted instead of the "
            "receipt's own key; repeatable).",
        )  # fmt: skip

    @no_translations  # the console speaks English, whatever language a request left active
    def handle(self, *args, action, **options):
        from lawbridge.delivery import log

        try:
            if action == "audit":
                self.audit(no_progress=options["no_progress"])
            elif action == "checkpoint":
                cp = log.checkpoint()
                self.stdout.write(cp.note, ending="")
            elif action == "rotate-key":
                key = log.rotate_key()
                self.stdout.write(f"New signing key {key.key_id}; verifier key:\n{key.vkey}")
                self.stdout.write(f"The private key is in {log.key_dir()} (mode 0600).")
            elif action == "status":
                self.status()
            elif action == "receipt":
                self.receipt(options["index"], options["out"])
            elif action == "verify":
                self.verify(options["file"], options["key"])
        except log.LogError as exc:
            raise CommandError(exc.message) from exc

    def audit(self, *, no_progress: bool) -> None:
        from tqdm import tqdm

        from lawbridge.delivery import log

        def progress(description, total):
            return tqdm(total=total, desc=str(description), unit="", file=sys.stderr, disable=no_progress, leave=False)

        started = time.perf_counter()
        report = log.audit(progress=progress)
        took = time.perf_counter() - started
        self.stdout.write(
            f"Audited {report.entries:,} entries, {report.nodes:,} tree nodes and {report.checkpoints:,} checkpoints "
            f"in {took:.1f} s."
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("The log is intact: every hash and every checkpoint checks out."))
            return
        first = report.first
        self.stderr.write(f"FIRST DIVERGENCE ({first.what}, at entry {first.position}): {first.message}")
        for problem in report.problems[1:]:
            self.stderr.write(f"  also: {problem.message}")
        if report.more_problems:
            self.stderr.write(f"  … and {report.more_problems} more.")
        raise CommandError(f"The log does not check out: {len(report.problems) + report.more_problems} problem(s).")

    def receipt(self, index: int, out: str) -> None:
        import json

        from lawbridge.delivery import receipts

        text = json.dumps(receipts.export(index), indent=2, ensure_ascii=False) + "\n"
        if out == "-":
            self.stdout.write(text, ending="")
        else:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stdout.write(f"Wrote the receipt of entry {index} to {out}.")

    def verify(self, path: str, keys: list[str]) -> None:
        from lawbridge.delivery import receipts

        try:
            with open(path, "rb") as fh:
                verdict = receipts.verify(fh.read(), trusted_keys=keys or None)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        for check in verdict.checks:
            self.stdout.write(f"{'ok  ' if check.ok else 'FAIL'} {check.name:<11} {check.detail}")
        if not keys:
            self.stdout.write("note: checked against the key inside the receipt; pass --key with the log's published "
                              "verifier key to check who signed it.")  # fmt: skip
        if not verdict.ok:
            raise CommandError("The receipt does not verify.")
        self.stdout.write(self.style.SUCCESS("The receipt verifies."))

    def status(self) -> None:
        from lawbridge.delivery import log
        from lawbridge.delivery.models import SigningKey

        self.stdout.write(f"origin      {log.origin()}")
        self.stdout.write(f"entries     {log.size():,}")
        latest = log.latest_checkpoint()
        self.stdout.write(
            f"checkpoint  {latest.tree_size:,} ({latest.created_at:%Y-%m-%d %H:%M})" if latest else "none"
        )
        for key in SigningKey.objects.all():
            state = "retired" if key.retired_at else "active"
            self.stdout.write(f"key {state:<8}{key.vkey}")
