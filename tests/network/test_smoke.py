import pytest

from lawbridge.network import selectors
from tests.factories import make_expert, make_user

pytestmark = pytest.mark.django_db


def test_directory_finds_pinyin_and_facets():
    zhang = make_expert(name="张伟", name_latin="Zhang Wei", languages=[("ja", "fluent")], jurisdictions=["JP"])
    make_expert(name="李娜", name_latin="Li Na")
    visitor = make_user()
    page = selectors.expert_directory(user=visitor, q="zhangwei")
    assert [e.pk for e in page.items] == [zhang.pk]
    page = selectors.expert_directory(user=visitor, filters={"language": ["ja"], "jurisdiction": ["jp"]})
    assert page.total == 1
    language = next(f for f in page.facets if f.name == "language")
    assert {v.value: v.count for v in language.values}["ja"] == 1
