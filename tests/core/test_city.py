"""The city is data: pointing LAWBRIDGE_CITY at another file changes names and districts, not code."""

import json

import pytest
from django.test import Client

from lawbridge.core import city


@pytest.fixture
def ningbo(tmp_path, settings):
    (tmp_path / "cities").mkdir()
    data = {
        "slug": "ningbo",
        "name": {"zh-hans": "宁波市", "en": "Ningbo"},
        "division_code": "330200",
        "center": {
            "slug": "nb-center",
            "name": {"zh-hans": "宁波市涉外法律服务中心", "en": "Ningbo Center"},
            "district_code": "330203",
        },
        "districts": [
            {"code": "330203", "kind": "district", "name": {"zh-hans": "海曙区", "en": "Haishu District"}},
            {"code": "330206", "kind": "district", "name": {"zh-hans": "北仑区", "en": "Beilun District"}},
        ],
        "workstations": [],
    }
    (tmp_path / "cities" / "ningbo.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    settings.LAWBRIDGE_DATA_DIR = tmp_path
    settings.LAWBRIDGE_CITY = "ningbo"
    city.city.cache_clear()
    yield
    city.city.cache_clear()


@pytest.mark.django_db
def test_another_city_is_a_data_file(ningbo):
    home = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ningbo" in home and "Hangzhou" not in home
    assert "each of the city's 2 districts" in home
    signup = Client().get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "北仑区" in signup and "西湖区" not in signup
    assert city.district_name("330206", "en") == "Beilun District"
    assert city.localized({"en": "only English"}, "zh-hans") == "only English"  # falls back
