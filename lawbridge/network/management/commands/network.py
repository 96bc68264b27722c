"""``lawbridge network …``: the network's command-line tools.

lawbridge network taxonomies                    reload the bilingual lists from the data files
lawbridge network import FILE [--dry-run]       import institutions and experts (CSV or XLSX), all or nothing
lawbridge network export [--format xlsx] [--out PATH] [filters]   export the directory
lawbridge network peer-add NAME FEED_URL --city-zh … --city-en …  register another city's feed
lawbridge network pull [NAME …]                 pull shared experts from other cities
lawbridge network sweep-credentials             send expiry reminders now (the daily task does it too)
"""

import json

from django.core.management.base import BaseCommand, CommandError, no_translations


class Command(BaseCommand):
    help = "The 1+N network and the talent pool: lists, import, export, sharing between cities."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("taxonomies", help="Reload practice areas, industries, services and cities from the data files.")

        imp = sub.add_parser("import", help="Import institutions and experts from a CSV or XLSX file.")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="Check every row and report; change nothing.")
        imp.add_argument("--encoding", default="", help="CSV encoding (default: UTF-8, else GBK/GB18030).")
        imp.add_argument(
            "--kind", choices=["experts", "institutions"], default="", help="When the header is ambiguous."
        )
        imp.add_argument("--as", dest="actor", default="", help="Email of the staff member the import is recorded for.")
        imp.add_argument("--no-progress", action="store_true")

        exp = sub.add_parser("export", help="Export the expert directory (or institutions) as CSV or XLSX.")
        exp.add_argument("--what", choices=["experts", "institutions"], default="experts")
        exp.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exp.add_argument("--out", default="-", help="File to write (default: standard output, CSV only).")
        exp.add_argument("--q", default="")
        exp.add_argument("--filter", action="append", default=[], help="facet=value, e.g. language=ja (repeatable)")

        peer = sub.add_parser("peer-add", help="Register (or change) another Lawbridge instance to pull experts from.")
        peer.add_argument("name")
        peer.add_argument("feed_url")
        peer.add_argument("--city-zh", default="")
        peer.add_argument("--city-en", default="")
        peer.add_argument("--token", default="")

        pull = sub.add_parser("pull", help="Pull shared experts from other cities' feeds.")
        pull.add_argument("names", nargs="*", help="Peers to pull (default: every active peer).")
        pull.add_argument("--full", action="store_true", help="Ignore the stored cursor; pull everything again.")

        sub.add_parser("sweep-credentials", help="Send credential expiry reminders and recompute standing now.")

    @no_translations  # the console speaks English, whatever language a request left active
    def handle(self, *args, action, **options):
        if action == "taxonomies":
            from lawbridge.network import taxonomy

            try:
                counts = taxonomy.load()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(counts))
        elif action == "import":
            from lawbridge.network import imports

            ok = imports.cli_import(self, **options)
            if not ok:
                raise CommandError("Nothing was imported: fix the rows listed above and try again.")
        elif action == "export":
            from lawbridge.network import exports

            exports.cli_export(self, **options)
        elif action == "peer-add":
            from lawbridge.network import sharing

            sharing.cli_peer_add(self, **options)
        elif action == "pull":
            from lawbridge.network import sharing

            sharing.cli_pull(self, **options)
        elif action == "sweep-credentials":
            from lawbridge.network import services

            self.stdout.write(json.dumps(services.credential_expiry_sweep()))
