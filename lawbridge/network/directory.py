"""The expert directory's in-memory index: one boolean column per facet value, so a search with facet counts is a
handful of vector operations (numpy) instead of several scans of the expert table.

Built from the database (``ExpertFacet`` rows and a few expert columns) once per process and brought up to date
when the table's version changes: the number of experts and the latest ``updated_at``. Every write path bumps
``updated_at`` (``services.expert_refresh``, the importer, the pull from other cities), so a search never reads a
stale index for longer than one request. A change to a few experts is patched in (only their rows are read
again); a deletion or a change to many rebuilds the whole index. The database stays the authority: the page of
results is re-read through ``selectors.visible_experts``, so a profile that stopped being visible a moment ago
is not shown.

At 50,000 experts the index holds about 300 columns of 50,000 booleans (≈15 MB); ``bench/bench_network.py``
prints the time to build it and to patch it.
"""

import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np
from django.db import connection
from django.db.models import Count, Max

from .choices import EXPERT_FACETS, ReviewStatus, Tier

_TIER_RANK = {Tier.NATIONAL_POOL: 3, Tier.PROVINCIAL_POOL: 2, Tier.CITY_POOL: 1}
ORDERINGS = ("relevance", "name", "experience", "rating")
# Above this many changed experts a patch costs about what a rebuild does.
PATCH_LIMIT = 2_000
_FIELDS = (
    "id", "status", "source_id", "institution_id", "user_id", "search_text",
    "tier", "credentials_ok", "name", "years_of_practice", "rating_average", "institution__status", "name_latin",
    "open_matters", "max_matters", "availability", "median_response_hours",
)  # fmt: skip


class NeedsRebuild(Exception):
    pass


@dataclass
class DirectoryIndex:
    version: tuple
    ids: np.ndarray  # expert primary keys, ascending; position i in every array below is expert ids[i]
    verified: np.ndarray  # public: verified, and so is its institution
    external: np.ndarray
    institution: np.ndarray  # institution id, 0 for none
    user: np.ndarray  # account id, 0 for none
    tier_rank: np.ndarray
    credentials_ok: np.ndarray
    years: np.ndarray  # NaN where unknown
    rating: np.ndarray  # NaN where none
    open_matters: np.ndarray
    max_matters: np.ndarray
    available: np.ndarray  # availability is not "unavailable"
    response_hours: np.ndarray  # median first response, NaN where not measured
    names: list[str]
    name_rank: np.ndarray  # position of the name in alphabetical order
    texts: list[str]
    columns: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # facet → value → boolean column
    seconds: float = 0.0
    patched: int = 0  # experts patched in since the last full build

    @property
    def size(self) -> int:
        return len(self.ids)

    def positions(self, pks) -> np.ndarray:
        """Positions of the given primary keys (those not in the index are left out)."""
        return _positions(self.ids, np.asarray(list(pks), dtype=np.int64))

    def mask_of(self, pks) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions(pks)] = True
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
        """Primary keys of the experts in ``within``, in display order, from ``start`` to ``stop``."""
        chosen = np.flatnonzero(within)
        ids, names = self.ids[chosen], self.name_rank[chosen]
        if ordering == "relevance":
            keys = (ids, names, ~self.credentials_ok[chosen], -self.tier_rank[chosen])
        elif ordering == "name":
            keys = (ids, names)
        else:
            values = (self.years if ordering == "experience" else self.rating)[chosen]
            keys = (ids, names, -np.nan_to_num(values, nan=0.0), np.isnan(values))
        order = np.lexsort(keys)  # the last key sorts first
        return [int(pk) for pk in ids[order[start:stop]]]


def _positions(ids: np.ndarray, pks: np.ndarray) -> np.ndarray:
    where = np.searchsorted(ids, pks)
    inside = where < len(ids)
    where, pks = where[inside], pks[inside]
    return where[ids[where] == pks]


def current_version() -> tuple:
    from .models import Expert

    figures = Expert.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (connection.alias, connection.settings_dict.get("NAME"), figures["n"], figures["latest"])


def _row_values(rows) -> dict[str, np.ndarray | list]:
    size = len(rows)
    return {
        "ids": np.fromiter((r[0] for r in rows), dtype=np.int64, count=size),
        "verified": np.fromiter(
            (r[1] == ReviewStatus.VERIFIED and r[11] in (None, ReviewStatus.VERIFIED) for r in rows),
            dtype=bool,
            count=size,
        ),
        "external": np.fromiter((r[2] is not None for r in rows), dtype=bool, count=size),
        "institution": np.fromiter((r[3] or 0 for r in rows), dtype=np.int64, count=size),
        "user": np.fromiter((r[4] or 0 for r in rows), dtype=np.int64, count=size),
        "texts": [r[5] or "" for r in rows],
        "tier_rank": np.fromiter((_TIER_RANK.get(r[6], 0) for r in rows), dtype=np.int8, count=size),
        "credentials_ok": np.fromiter((bool(r[7]) for r in rows), dtype=bool, count=size),
        # Sorted by the Latin spelling where there is one, so 张伟 (Zhang Wei) sorts under Z in every language.
        "names": [(r[12] or r[8] or "").casefold() for r in rows],
        "years": np.fromiter((np.nan if r[9] is None else r[9] for r in rows), dtype=float, count=size),
        "rating": np.fromiter((np.nan if r[10] is None else float(r[10]) for r in rows), dtype=float, count=size),
        "open_matters": np.fromiter((r[13] for r in rows), dtype=np.int32, count=size),
        "max_matters": np.fromiter((r[14] for r in rows), dtype=np.int32, count=size),
        "available": np.fromiter((r[15] != "unavailable" for r in rows), dtype=bool, count=size),
        "response_hours": np.fromiter(
            (np.nan if r[16] is None else float(r[16]) for r in rows), dtype=float, count=size
        ),
    }


def _name_rank(names: list[str]) -> np.ndarray:
    order = sorted(range(len(names)), key=names.__getitem__)
    rank = np.empty(len(names), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(names))
    return rank


def _facet_rows(expert_ids=None):
    """(expert_id, facet, value) of the directory's facets, for every expert or the ones given."""
    from .models import ExpertFacet

    rows = ExpertFacet.objects.filter(facet__in=EXPERT_FACETS)
    if expert_ids is not None:
        rows = rows.filter(expert_id__in=list(expert_ids))
    return rows.values_list("expert_id", "facet", "value").iterator(chunk_size=20_000)


def build(version: tuple | None = None) -> DirectoryIndex:
    from .models import Expert

    started = time.perf_counter()
    version = version or current_version()
    values = _row_values(list(Expert.objects.order_by("id").values_list(*_FIELDS)))
    index = DirectoryIndex(version=version, name_rank=_name_rank(values["names"]), **values)
    grouped: dict[tuple[str, str], list[int]] = {}
    for expert_id, facet, value in _facet_rows():
        grouped.setdefault((facet, value), []).append(expert_id)
    for (facet, value), members in grouped.items():
        column = np.zeros(index.size, dtype=bool)
        column[_positions(index.ids, np.asarray(members, dtype=np.int64))] = True
        index.columns.setdefault(facet, {})[value] = column
    index.seconds = time.perf_counter() - started
    return index


def patch(index: DirectoryIndex, version: tuple) -> DirectoryIndex:
    """A new index: ``index`` with the experts changed since its version read again. The old one is left as it
    is, for searches still using it. Raises NeedsRebuild when a patch would not be right or not be cheaper."""
    from .models import Expert

    started = time.perf_counter()
    since = index.version[3]
    if since is None or index.version[:2] != version[:2]:
        raise NeedsRebuild
    changed = list(Expert.objects.filter(updated_at__gte=since).order_by("id").values_list(*_FIELDS)[: PATCH_LIMIT + 1])
    if len(changed) > PATCH_LIMIT:
        raise NeedsRebuild
    values = _row_values(changed)
    known = np.isin(values["ids"], index.ids)
    new_ids = values["ids"][~known]
    if version[2] != index.size + len(new_ids):
        raise NeedsRebuild  # experts were deleted
    if len(new_ids) and index.size and new_ids.min() < index.ids[-1]:
        raise NeedsRebuild  # keys out of order: appending would unsort the index
    grow = len(new_ids)

    def grown(array: np.ndarray, fill) -> np.ndarray:
        return np.concatenate([array, np.full(grow, fill, dtype=array.dtype)]) if grow else array.copy()

    new = replace(
        index,
        version=version,
        ids=np.concatenate([index.ids, new_ids]) if grow else index.ids,
        verified=grown(index.verified, False),
        external=grown(index.external, False),
        institution=grown(index.institution, 0),
        user=grown(index.user, 0),
        tier_rank=grown(index.tier_rank, 0),
        credentials_ok=grown(index.credentials_ok, False),
        years=grown(index.years, np.nan),
        rating=grown(index.rating, np.nan),
        open_matters=grown(index.open_matters, 0),
        max_matters=grown(index.max_matters, 0),
        available=grown(index.available, False),
        response_hours=grown(index.response_hours, np.nan),
        names=index.names + [""] * grow,
        texts=index.texts + [""] * grow,
        columns={
            facet: {value: grown(column, False) for value, column in cols.items()}
            for facet, cols in index.columns.items()
        },
    )
    where = _positions(new.ids, values["ids"])
    for name in (
        "verified", "external", "institution", "user", "tier_rank", "credentials_ok", "years", "rating",
        "open_matters", "max_matters", "available", "response_hours",
    ):  # fmt: skip
        getattr(new, name)[where] = values[name]
    for position, name, text in zip(where.tolist(), values["names"], values["texts"], strict=True):
        new.names[position] = name
        new.texts[position] = text
    for cols in new.columns.values():
        for column in cols.values():
            column[where] = False
    for expert_id, facet, value in _facet_rows(values["ids"].tolist()):
        column = new.columns.setdefault(facet, {}).get(value)
        if column is None:
            column = new.columns[facet][value] = np.zeros(new.size, dtype=bool)
        column[_positions(new.ids, np.asarray([expert_id], dtype=np.int64))] = True
    new.name_rank = _name_rank(new.names)
    new.patched = index.patched + len(changed)
    new.seconds = time.perf_counter() - started
    return new


_lock = threading.Lock()
_current: DirectoryIndex | None = None


def get() -> DirectoryIndex:
    """The index for the current state of the expert table, patched or rebuilt if the table changed."""
    global _current
    version = current_version()
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None:
            _current = build(version)
        elif _current.version != version:
            try:
                _current = patch(_current, version)
            except NeedsRebuild:
                _current = build(version)
        return _current


def forget() -> None:
    global _current
    with _lock:
        _current = None
