"""The in-memory directory index: patched after small changes, rebuilt after deletions, equal to a fresh build."""

import numpy as np
import pytest

from lawbridge.network import directory, services
from lawbridge.network.models import Expert
from tests.factories import make_expert, make_institution

pytestmark = pytest.mark.django_db


def same_as_a_fresh_build(index: directory.DirectoryIndex) -> None:
    fresh = directory.build()
    assert index.version == fresh.version
    assert index.ids.tolist() == fresh.ids.tolist()
    for name in (
        "verified", "external", "institution", "user", "tier_rank", "credentials_ok", "name_rank",
        "open_matters", "max_matters", "available",
    ):  # fmt: skip
        assert getattr(index, name).tolist() == getattr(fresh, name).tolist(), name
    assert np.array_equal(index.years, fresh.years, equal_nan=True)
    assert index.texts == fresh.texts and index.names == fresh.names

    def members(ix):
        return {(f, v): ix.ids[col].tolist() for f, cols in ix.columns.items() for v, col in cols.items() if col.any()}

    assert members(index) == members(fresh)


def test_small_changes_are_patched_in_and_equal_a_rebuild():
    firm = make_institution()
    experts = [make_expert(institution=firm, languages=[("en", "fluent")]) for _ in range(4)]
    directory.forget()
    first = directory.get()
    assert first.patched == 0 and first.size == 4

    added = make_expert(institution=firm, name="新专家", languages=[("ja", "native")], jurisdictions=["JP"])
    services.expert_update(actor=None, expert=experts[0], languages=[("de", "fluent")], jurisdictions=["DE"])
    services.expert_review(actor=None, expert=experts[1], approve=False, reason="Licence not found")
    patched = directory.get()
    assert patched is not first and patched.patched > 0, "a few changes are patched, not rebuilt"
    same_as_a_fresh_build(patched)
    # The old index is untouched, for searches that still hold it.
    assert first.size == 4 and added.pk not in first.ids.tolist()


def test_a_deletion_rebuilds_the_index():
    firm = make_institution()
    experts = [make_expert(institution=firm) for _ in range(3)]
    directory.forget()
    directory.get()
    Expert.objects.filter(pk=experts[0].pk).delete()
    index = directory.get()
    assert index.patched == 0 and index.size == 2
    same_as_a_fresh_build(index)


def test_ordering_by_tier_then_standing_then_name():
    firm = make_institution()
    plain = make_expert(institution=firm, name="阿明", name_latin="A Ming")
    pooled = make_expert(institution=firm, name="赵强", tier="national_pool")
    lapsed = make_expert(
        institution=firm, name="艾伦", name_latin="Ai Lun", expires_on=__import__("datetime").date(2020, 1, 1)
    )
    directory.forget()
    index = directory.get()
    everyone = np.ones(index.size, dtype=bool)
    assert index.page(everyone, "relevance", 0, 10) == [pooled.pk, plain.pk, lapsed.pk]
    assert index.page(everyone, "relevance", 1, 2) == [plain.pk]
    assert index.page(everyone, "name", 0, 10) == [plain.pk, lapsed.pk, pooled.pk]  # A Ming, Ai Lun, Expert …
