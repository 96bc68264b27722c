"""The expert directory's in-memory index: one boolean column per facet value, so a search with facet counts is a
handful of vector operations instead of several scans of the expert table.

Built from the database (``ExpertFacet`` rows and a few expert columns) once per process and rebuilt when the
table's version changes: the number of experts and the latest ``updated_at``. Every write path bumps
``updated_at`` (``services.expert_refresh``, the importer, the pull from other cities), so a search never reads a
stale index for longer than one request. The database stays the authority: the page of results is re-read through
``selectors.visible_experts``, so a profile that stopped being visible a moment ago is not shown.

At 50,000 experts the index holds about 300 columns of 50,000 booleans (≈15 MB) and is rebuilt in about a second;
``bench/bench_network.py`` prints both.
"""

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Count, Max

from .choices import EXPERT_FACETS, ReviewStatus, Tier

_TIER_RANK = {Tier.NATIONAL_POOL: 3, Tier.PROVINCIAL_POOL: 2, Tier.CITY_POOL: 1}
ORDERINGS = ("relevance", "name", "experience", "rating")


@dataclass
class DirectoryIndex:
    version: tuple
    ids: np.ndarray  # expert primary keys, ascending; position i in every array below is expert ids[i]
    verified: np.ndarray  # public: verified, and so is its institution
    external: np.ndarray
    institution: np.ndarray  # institution id, 0 for none
    user: np.ndarray  # account id, 0 for none
    texts: list[str]
    columns: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # facet → value → boolean column
    orders: dict[str, np.ndarray] = field(default_factory=dict)  # ordering → positions in display order
    build_seconds: float = 0.0

    @property
    def size(self) -> int:
        return len(self.ids)

    def positions(self, pks) -> np.ndarray:
        """Positions of the given primary keys (those not in the index are left out)."""
        return _positions(self.ids, np.asarray(list(pks), dtype=np.int64))

    def mask_of(self, pks) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions(list(pks))] = True
        return mask

    def text_mask(self, tokens: list[str]) -> np.ndarray:
        mask = np.ones(self.size, dtype=bool)
        for token in tokens:
            mask &= np.fromiter((token in text for text in self.texts), dtype=bool, count=self.size)
        return mask

    def facet_mask(self, facet: str, values: list[str]) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        for value in values:
            column = self.columns.get(facet, {}).get(value)
            if column is not None:
                mask |= column
        return mask

    def counts(self, facet: str, within: np.ndarray) -> dict[str, int]:
        found = {}
        for value, column in self.columns.get(facet, {}).items():
            n = int(np.count_nonzero(column & within))
            if n:
                found[value] = n
        return found

    def page(self, within: np.ndarray, ordering: str, start: int, stop: int) -> list[int]:
        order = self.orders[ordering]
        chosen = order[within[order]]
        return [int(self.ids[p]) for p in chosen[start:stop]]


def _positions(ids: np.ndarray, pks: np.ndarray) -> np.ndarray:
    where = np.searchsorted(ids, pks)
    inside = where < len(ids)
    where, pks = where[inside], pks[inside]
    return where[ids[where] == pks]


def current_version() -> tuple:
    from .models import Expert

    figures = Expert.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (connection.alias, connection.settings_dict.get("NAME"), figures["n"], figures["latest"])


def build(version: tuple | None = None) -> DirectoryIndex:
    from .models import Expert, ExpertFacet

    started = time.perf_counter()
    version = version or current_version()
    rows = list(
        Expert.objects.order_by("id").values_list(
            "id", "status", "source_id", "institution_id", "user_id", "search_text",
            "tier", "credentials_ok", "name", "years_of_practice", "rating_average", "institution__status",
        )
    )  # fmt: skip
    size = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=size)
    index = DirectoryIndex(
        version=version,
        ids=ids,
        verified=np.fromiter(
            (r[1] == ReviewStatus.VERIFIED and r[11] in (None, ReviewStatus.VERIFIED) for r in rows),
            dtype=bool,
            count=size,
        ),
        external=np.fromiter((r[2] is not None for r in rows), dtype=bool, count=size),
        institution=np.fromiter((r[3] or 0 for r in rows), dtype=np.int64, count=size),
        user=np.fromiter((r[4] or 0 for r in rows), dtype=np.int64, count=size),
        texts=[r[5] or "" for r in rows],
    )
    # Display orders, computed once: each is the list of positions in the order the page shows them.
    positions = range(size)
    index.orders = {
        "relevance": np.array(
            sorted(positions, key=lambda i: (-_TIER_RANK.get(rows[i][6], 0), not rows[i][7], rows[i][8], rows[i][0])),
            dtype=np.int64,
        ),
        "name": np.array(sorted(positions, key=lambda i: (rows[i][8], rows[i][0])), dtype=np.int64),
        "experience": np.array(
            sorted(positions, key=lambda i: (rows[i][9] is None, -(rows[i][9] or 0), rows[i][8], rows[i][0])),
            dtype=np.int64,
        ),
        "rating": np.array(
            sorted(positions, key=lambda i: (rows[i][10] is None, -(rows[i][10] or 0), rows[i][8], rows[i][0])),
            dtype=np.int64,
        ),
    }
    # Facet columns from the inverted index table, read in one pass.
    grouped: dict[tuple[str, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expert_id, facet, value FROM {ExpertFacet._meta.db_table} WHERE facet IN %s"
            if connection.vendor == "postgresql"
            else f"SELECT expert_id, facet, value FROM {ExpertFacet._meta.db_table} "
            f"WHERE facet IN ({','.join(['%s'] * len(EXPERT_FACETS))})",
            [tuple(EXPERT_FACETS)] if connection.vendor == "postgresql" else list(EXPERT_FACETS),
        )
        for expert_id, facet, value in cursor.fetchall():
            grouped.setdefault((facet, value), []).append(expert_id)
    for (facet, value), members in grouped.items():
        column = np.zeros(size, dtype=bool)
        column[_positions(ids, np.asarray(members, dtype=np.int64))] = True
        index.columns.setdefault(facet, {})[value] = column
    index.build_seconds = time.perf_counter() - started
    return index


_lock = threading.Lock()
_current: DirectoryIndex | None = None


def get() -> DirectoryIndex:
    """The index for the current state of the expert table, rebuilt if the table changed."""
    global _current
    version = current_version()
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None or _current.version != version:
            _current = build(version)
        return _current


def forget() -> None:
    global _current
    with _lock:
        _current = None
