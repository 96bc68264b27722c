"""Demo data of the network: the service points' profiles (from the city data), about forty legal service
institutions of every kind, and a talent pool of some 340 experts.

Deterministic (one ``random.Random(2026)``, name pools, fixed lists) and idempotent: institutions are keyed by
their organisation's slug and experts by the number of their first credential, so a second run creates nothing.
Every institution and firm name here is made up.
"""

import random
import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from pypinyin import lazy_pinyin

from lawbridge.accounts.choices import OrganisationKind
from lawbridge.accounts.models import Organisation, User
from lawbridge.accounts.validators import uscc_check_character
from lawbridge.core.city import city

from . import services, taxonomy
from .choices import (
    Availability,
    CredentialKind,
    ExpertKind,
    FeeBasis,
    InstitutionKind,
    ReviewStatus,
    Tier,
    Vocabulary,
)
from .models import Credential, Institution, ServicePoint
from .search import fold

SEED = 2026
_HAN = re.compile(r"[\u3400-\u9fff]")

# -- service points ----------------------------------------------------------------------------------------


def _point_profiles() -> dict[str, dict]:
    """Profiles from the city data by the service point's slug (sub-centers: ``<prefix>-sub-<district>``)."""
    data = city()
    prefix = data["center"]["slug"].split("-")[0]
    profiles = {data["center"]["slug"]: data["center"].get("profile")}
    for district in data["districts"]:
        profiles[f"{prefix}-sub-{district['code']}"] = district.get("profile")
    for station in data.get("workstations", []) + data.get("park_stations", []):
        profiles[station["slug"]] = station.get("profile")
    return {slug: profile for slug, profile in profiles.items() if profile}


def build_service_points(report) -> dict[str, ServicePoint]:
    profiles = _point_profiles()
    points = {}
    for organisation in Organisation.objects.filter(kind=OrganisationKind.SERVICE_POINT).order_by("pk"):
        existing = ServicePoint.objects.filter(organisation=organisation).first()
        profile = profiles.get(organisation.slug)
        if existing is not None or profile is None:
            if existing is not None:
                points[organisation.slug] = existing
            continue
        points[organisation.slug] = services.service_point_save(
            actor=None,
            organisation=organisation,
            services=profile.get("services", []),
            address_zh=profile["address"].get("zh-hans", ""),
            address_en=profile["address"].get("en", ""),
            latitude=Decimal(str(profile["lat"])),
            longitude=Decimal(str(profile["lon"])),
            opening_hours=profile.get("hours", []),
            languages=profile.get("languages", []),
            phone=profile.get("phone", ""),
            email=profile.get("email", ""),
        )
        report.count("service point profiles", True)
    return points


# -- institutions ------------------------------------------------------------------------------------------

# Registration codes of the right family: 31 law firm, 12 public institution, 51 social organisation, 52 private
# non-enterprise unit. The check character is computed as for a unified social credit code.
LICENCE_PREFIX = {
    InstitutionKind.LAW_FIRM: "31330000MD",
    InstitutionKind.ARBITRATION: "12330100MB",
    InstitutionKind.NOTARY: "12330100MB",
    InstitutionKind.APPRAISAL: "52330100MJ",
    InstitutionKind.MEDIATION: "52330100MJ",
    InstitutionKind.LEGAL_AID: "12330100MB",
    InstitutionKind.ASCERTAINMENT: "52330000MJ",
    InstitutionKind.CHAMBER: "51330100MJ",
    InstitutionKind.ASSOCIATION: "51330100MJ",
}


def _licence(kind: str, n: int) -> str:
    prefix = LICENCE_PREFIX.get(kind)
    if prefix is None:
        return ""
    body = f"{prefix}{(n * 7919 + 104729) % 10_000_000:07d}"
    return body + uscc_check_character(body)


def _inst(slug, kind, zh, en, district, *, areas=(), langs=("zh", "en"), juris=(), offices=(), partners=(),
          about=None, points=(), existing=False, pending=False):  # fmt: skip
    return {
        "slug": slug, "kind": kind, "zh": zh, "en": en, "district": district, "areas": list(areas),
        "languages": list(langs), "jurisdictions": list(juris), "offices": list(offices),
        "partners": list(partners), "about": about, "points": list(points), "existing": existing,
        "pending": pending,
    }  # fmt: skip


def _office(city_name, country):
    return {"city": city_name, "country": country}


def _partner(name, country):
    return {"name": name, "country": country}


K = InstitutionKind
INSTITUTIONS = [
    # Law firms. The first is the demo organisation the demo lawyer belongs to.
    _inst(
        "demo-law-firm",
        K.LAW_FIRM,
        "钱江涉外律师事务所",
        "Qianjiang Global Law Firm",
        "330106",
        existing=True,
        areas=[
            "international-contracts",
            "cross-border-investment",
            "international-arbitration",
            "ip-litigation-us",
            "export-control-sanctions",
            "data-compliance",
        ],
        langs=["zh", "en", "ja", "de", "fr"],
        juris=["CN", "US", "JP", "DE", "SG"],
        offices=[_office("Tokyo", "JP"), _office("Frankfurt am Main", "DE"), _office("Singapore", "SG")],
        partners=[_partner("Hollis Brandt LLP", "US"), _partner("Kawase Mori Law Office", "JP")],
        about=(
            "综合性涉外律师事务所，服务企业出海全流程。",
            "A full-service foreign-related firm for companies going abroad.",
        ),
        points=["hz-center", "hz-ws-hi-tech-zone"],
    ),
    _inst(
        "hz-lf-zhijiang-intl",
        K.LAW_FIRM,
        "浙江之江汇海国际律师事务所",
        "Zhejiang Zhijiang Huihai International Law Firm",
        "330106",
        areas=["cross-border-investment", "overseas-listing", "international-finance", "antitrust"],
        langs=["zh", "en", "fr"],
        juris=["CN", "US", "GB", "FR"],
        offices=[_office("London", "GB")],
        partners=[_partner("Ashby Rowe Solicitors", "GB"), _partner("Cabinet Laurent Mercier", "FR")],
        about=("专注跨境并购、境外上市与国际融资。", "Cross-border M&A, overseas listings and international finance."),
    ),
    _inst(
        "hz-lf-binjiang-zhihui",
        K.LAW_FIRM,
        "浙江滨江智汇涉外律师事务所",
        "Zhejiang Binjiang Zhihui Foreign-related Law Firm",
        "330108",
        areas=["international-contracts", "intellectual-property", "data-compliance", "cross-border-ecommerce"],
        langs=["zh", "ja", "en", "ko"],
        juris=["CN", "JP", "KR"],
        offices=[_office("Osaka", "JP")],
        partners=[_partner("Hoshizaki Kitagawa Sogo Law Office", "JP"), _partner("Hanbit Nuri Law Group", "KR")],
        about=(
            "设有日本业务部，服务中日贸易与技术合作企业。",
            "Has a Japan desk serving companies in Sino-Japanese trade and technology deals.",
        ),
        points=["hz-ws-hi-tech-zone", "hz-park-ftz-binjiang"],
    ),
    _inst(
        "hz-lf-jiangnan-xinghe",
        K.LAW_FIRM,
        "浙江江南星河律师事务所",
        "Zhejiang Jiangnan Xinghe Law Firm",
        "330108",
        areas=["patents", "ip-litigation-us", "trademarks", "export-control-sanctions"],
        langs=["zh", "en"],
        juris=["CN", "US", "DE"],
        partners=[_partner("Calloway Pierce IP Group", "US")],
        about=("知识产权与出口管制合规精品所。", "A boutique for IP and export-control compliance."),
        points=["hz-park-ftz-binjiang"],
    ),
    _inst(
        "hz-lf-chaohui",
        K.LAW_FIRM,
        "浙江潮汇远帆律师事务所",
        "Zhejiang Chaohui Yuanfan Law Firm",
        "330102",
        areas=["international-trade", "trade-remedies", "customs-tax", "maritime"],
        langs=["zh", "en", "es"],
        juris=["CN", "US", "ES", "MX"],
        offices=[_office("Madrid", "ES")],
        about=("贸易救济与海关业务见长。", "Known for trade remedies and customs work."),
    ),
    _inst(
        "hz-lf-canal-silkroad",
        K.LAW_FIRM,
        "浙江运河丝路律师事务所",
        "Zhejiang Grand Canal Silk Road Law Firm",
        "330105",
        areas=["cross-border-investment", "real-estate-construction", "energy-resources", "international-arbitration"],
        langs=["zh", "ru", "en", "ar"],
        juris=["CN", "KZ", "UZ", "RU", "AE", "SA"],
        offices=[_office("Almaty", "KZ"), _office("Tashkent", "UZ"), _office("Dubai", "AE")],
        partners=[_partner("Steppe Meridian Legal", "KZ")],
        about=(
            "服务“一带一路”沿线投资与工程项目。",
            "Serves investment and construction projects along the Belt and Road.",
        ),
        points=["hz-park-cbec-gongshu"],
    ),
    _inst(
        "hz-lf-xixi-global",
        K.LAW_FIRM,
        "浙江西溪环宇律师事务所",
        "Zhejiang Xixi Huanyu Law Firm",
        "330110",
        areas=["data-compliance", "cross-border-ecommerce", "intellectual-property", "overseas-listing"],
        langs=["zh", "en", "de"],
        juris=["CN", "US", "DE", "NL", "SG"],
        offices=[_office("Amsterdam", "NL")],
        partners=[_partner("Vondel Haven Advocaten", "NL")],
        about=(
            "聚焦数字经济企业的数据合规与出海。",
            "Data compliance and overseas expansion for digital-economy companies.",
        ),
        points=["hz-ws-future-sci-tech-city", "hz-park-ai-town"],
    ),
    _inst(
        "hz-lf-xiaoran",
        K.LAW_FIRM,
        "浙江萧然通达律师事务所",
        "Zhejiang Xiaoran Tongda Law Firm",
        "330109",
        areas=["international-trade", "maritime", "international-contracts", "labour-employment"],
        langs=["zh", "en", "vi", "th"],
        juris=["CN", "VN", "TH", "MY"],
        offices=[_office("Ho Chi Minh City", "VN")],
        about=("服务东南亚制造业投资与贸易。", "Manufacturing investment and trade in South-East Asia."),
        points=["hz-ws-xiaoshan-etdz", "hz-park-xiaoshan-airport"],
    ),
    _inst(
        "hz-lf-fuchun-mingde",
        K.LAW_FIRM,
        "浙江富春明德律师事务所",
        "Zhejiang Fuchun Mingde Law Firm",
        "330111",
        areas=["international-contracts", "labour-employment", "family-inheritance"],
        langs=["zh", "en"],
        juris=["CN", "AU", "NZ"],
    ),
    _inst(
        "hz-lf-tianmu-qingshan",
        K.LAW_FIRM,
        "浙江天目青杉律师事务所",
        "Zhejiang Tianmu Qingshan Law Firm",
        "330112",
        areas=["international-trade", "customs-tax", "international-contracts"],
        langs=["zh", "en"],
        juris=["CN", "US", "JP"],
    ),
    _inst(
        "hz-lf-linping-qiming",
        K.LAW_FIRM,
        "浙江临平启明涉外律师事务所",
        "Zhejiang Linping Qiming Foreign-related Law Firm",
        "330113",
        areas=["international-trade", "trade-remedies", "intellectual-property"],
        langs=["zh", "en", "ko"],
        juris=["CN", "KR", "US"],
    ),
    _inst(
        "hz-lf-qiantang-haiyan",
        K.LAW_FIRM,
        "浙江钱塘海晏律师事务所",
        "Zhejiang Qiantang Haiyan Law Firm",
        "330114",
        areas=["foreign-investment", "labour-employment", "export-control-sanctions", "customs-tax"],
        langs=["zh", "en", "de", "ko"],
        juris=["CN", "DE", "KR", "PL", "HU"],
        offices=[_office("Budapest", "HU")],
        partners=[_partner("Kowalczyk Wiśniewski sp.k.", "PL")],
        about=(
            "服务外资企业与中东欧投资。",
            "Foreign-invested companies and investment in Central and Eastern Europe.",
        ),
        points=["hz-ws-comprehensive-bonded-zone", "hz-park-ftz-qiantang", "hz-park-qiantang-biomed"],
    ),
    _inst(
        "hz-lf-tongjun",
        K.LAW_FIRM,
        "浙江桐君山律师事务所",
        "Zhejiang Tongjunshan Law Firm",
        "330122",
        areas=["international-contracts", "international-trade"],
        langs=["zh", "en"],
        juris=["CN"],
    ),
    _inst(
        "hz-lf-qiandao-lanhu",
        K.LAW_FIRM,
        "浙江千岛蓝湖律师事务所",
        "Zhejiang Qiandao Lanhu Law Firm",
        "330127",
        areas=["foreign-investment", "family-inheritance"],
        langs=["zh", "en"],
        juris=["CN"],
    ),
    _inst(
        "hz-lf-xinan-zhiyuan",
        K.LAW_FIRM,
        "浙江新安致远律师事务所",
        "Zhejiang Xin'an Zhiyuan Law Firm",
        "330182",
        areas=["international-trade", "trade-remedies", "international-contracts"],
        langs=["zh", "en"],
        juris=["CN", "US"],
    ),
    _inst(
        "hz-lf-yunqi-pending",
        K.LAW_FIRM,
        "浙江云栖数字法律事务所",
        "Zhejiang Yunqi Digital Law Firm",
        "330106",
        areas=["data-compliance", "cross-border-ecommerce"],
        langs=["zh", "en"],
        juris=["CN", "US"],
        pending=True,
    ),
    # Arbitration.
    _inst(
        "hz-arb-intl-court",
        K.ARBITRATION,
        "杭州国际仲裁院",
        "Hangzhou International Arbitration Court",
        "330102",
        areas=["international-arbitration", "international-contracts", "cross-border-ecommerce", "maritime"],
        langs=["zh", "en", "ja", "fr"],
        juris=["CN"],
        about=(
            "涉外商事仲裁机构，提供中英文仲裁程序与网上开庭。",
            "Foreign-related commercial arbitration in Chinese and English, with online hearings.",
        ),
        points=["hz-center"],
    ),
    _inst(
        "hz-arb-digital-trade",
        K.ARBITRATION,
        "钱塘数字贸易仲裁中心",
        "Qiantang Digital Trade Arbitration Centre",
        "330114",
        areas=["international-arbitration", "cross-border-ecommerce", "data-compliance"],
        langs=["zh", "en"],
        juris=["CN"],
        about=("处理跨境数字贸易与电商纠纷。", "Cross-border digital trade and e-commerce disputes."),
        points=["hz-park-ftz-qiantang"],
    ),
    # Notary offices.
    _inst(
        "demo-notary-office",
        K.NOTARY,
        "杭州市西湖公证处",
        "Hangzhou Xihu Notary Office",
        "330106",
        existing=True,
        areas=["notarization-legalization", "family-inheritance"],
        langs=["zh", "en", "ja"],
        points=["hz-center"],
    ),
    _inst(
        "hz-notary-qjxc",
        K.NOTARY,
        "杭州市钱江新城涉外公证处",
        "Hangzhou Qianjiang New City Foreign-related Notary Office",
        "330102",
        areas=["notarization-legalization", "immigration", "family-inheritance"],
        langs=["zh", "en", "fr", "es"],
    ),
    _inst(
        "hz-notary-binjiang-ip",
        K.NOTARY,
        "杭州市高新知识产权公证处",
        "Hangzhou Hi-tech IP Notary Office",
        "330108",
        areas=["notarization-legalization", "intellectual-property"],
        langs=["zh", "en"],
        about=("提供电子数据存证与知识产权保全公证。", "Electronic evidence preservation and IP notarization."),
        points=["hz-ws-hi-tech-zone"],
    ),
    # Judicial appraisal.
    _inst(
        "demo-appraisal-institute",
        K.APPRAISAL,
        "浙江知衡司法鉴定所",
        "Zhejiang Zhiheng Judicial Appraisal Institute",
        "330105",
        existing=True,
        areas=["intellectual-property", "patents"],
        langs=["zh", "en"],
    ),
    _inst(
        "hz-appr-mingjian",
        K.APPRAISAL,
        "浙江明鉴知识产权司法鉴定所",
        "Zhejiang Mingjian IP Judicial Appraisal Institute",
        "330108",
        areas=["intellectual-property", "patents", "data-compliance"],
        langs=["zh", "en"],
    ),
    _inst(
        "hz-appr-xinheng",
        K.APPRAISAL,
        "杭州信衡会计司法鉴定所",
        "Hangzhou Xinheng Forensic Accounting Institute",
        "330102",
        areas=["customs-tax", "insolvency", "international-finance"],
        langs=["zh", "en"],
    ),
    # Mediation.
    _inst(
        "demo-mediation-center",
        K.MEDIATION,
        "杭州国际商事调解中心",
        "Hangzhou International Commercial Mediation Center",
        "330102",
        existing=True,
        areas=["commercial-mediation", "international-contracts", "intellectual-property"],
        langs=["zh", "en", "ja", "ko"],
        juris=["CN"],
        points=["hz-center"],
    ),
    _inst(
        "hz-med-ip-studio",
        K.MEDIATION,
        "滨江知识产权国际调解工作室",
        "Binjiang IP International Mediation Studio",
        "330108",
        areas=["commercial-mediation", "intellectual-property", "trademarks", "patents"],
        langs=["zh", "en", "ja"],
        points=["hz-sub-330108", "hz-park-ftz-binjiang"],
    ),
    _inst(
        "hz-med-cbec",
        K.MEDIATION,
        "杭州跨境电商纠纷调解中心",
        "Hangzhou Cross-border E-commerce Dispute Mediation Centre",
        "330105",
        areas=["commercial-mediation", "cross-border-ecommerce", "ip-litigation-us"],
        langs=["zh", "en", "es"],
        points=["hz-park-cbec-gongshu"],
    ),
    # Legal aid.
    _inst(
        "demo-legal-aid-center",
        K.LEGAL_AID,
        "杭州市法律援助中心",
        "Hangzhou Legal Aid Center",
        "330106",
        existing=True,
        areas=["legal-aid", "labour-employment", "family-inheritance", "immigration"],
        langs=["zh", "en"],
        points=["hz-center"],
    ),
    _inst(
        "hz-aid-xiaoshan-foreign",
        K.LEGAL_AID,
        "萧山区涉外法律援助工作站",
        "Xiaoshan Foreign-related Legal Aid Station",
        "330109",
        areas=["legal-aid", "labour-employment"],
        langs=["zh", "en", "ru"],
    ),
    # Foreign-law ascertainment.
    _inst(
        "demo-foreign-law-center",
        K.ASCERTAINMENT,
        "杭州域外法查明中心",
        "Hangzhou Foreign Law Ascertainment Center",
        "330106",
        existing=True,
        areas=["foreign-law-ascertainment", "international-litigation"],
        langs=["zh", "en", "de", "fr", "ja"],
        juris=["DE", "FR", "JP", "US", "GB", "SG"],
        points=["hz-center"],
    ),
    _inst(
        "hz-asc-qiantang-univ",
        K.ASCERTAINMENT,
        "钱塘大学法学院外国法查明研究中心",
        "Qiantang University Law School Foreign Law Ascertainment Centre",
        "330106",
        areas=["foreign-law-ascertainment", "international-contracts", "family-inheritance"],
        langs=["zh", "en", "de", "it", "es"],
        juris=["DE", "IT", "ES", "NL", "PL", "AU"],
        about=(
            "依托高校比较法研究力量，出具外国法查明意见。",
            "Foreign-law opinions drawing on the university's comparative law research.",
        ),
    ),
    _inst(
        "hz-asc-silkroad",
        K.ASCERTAINMENT,
        "丝路域外法查明研究院",
        "Silk Road Foreign Law Research Institute",
        "330105",
        areas=["foreign-law-ascertainment", "cross-border-investment", "energy-resources"],
        langs=["zh", "ru", "ar", "tr", "en"],
        juris=["KZ", "UZ", "RU", "AE", "SA", "TR", "PK", "EG", "RS"],
    ),
    # Court and procuratorate liaison offices (no licence of their own).
    _inst(
        "hz-court-commercial-liaison",
        K.COURT_LIAISON,
        "杭州市中级人民法院涉外商事审判联络站",
        "Hangzhou Intermediate Court Foreign-related Commercial Trial Liaison Office",
        "330106",
        areas=["international-litigation", "commercial-mediation"],
        langs=["zh", "en"],
        points=["hz-center"],
    ),
    _inst(
        "hz-court-internet-liaison",
        K.COURT_LIAISON,
        "杭州互联网法院跨境数字贸易纠纷联络站",
        "Hangzhou Internet Court Cross-border Digital Trade Dispute Liaison Office",
        "330108",
        areas=["international-litigation", "cross-border-ecommerce", "intellectual-property"],
        langs=["zh", "en"],
        points=["hz-park-ftz-binjiang"],
    ),
    _inst(
        "hz-proc-foreign-liaison",
        K.PROCURATORATE_LIAISON,
        "杭州市人民检察院涉外检察联络站",
        "Hangzhou Procuratorate Foreign-related Procuratorial Liaison Office",
        "330106",
        areas=["intellectual-property", "anti-corruption"],
        langs=["zh", "en"],
        points=["hz-center"],
    ),
    _inst(
        "hz-proc-qiantang-liaison",
        K.PROCURATORATE_LIAISON,
        "钱塘区人民检察院自贸区检察联络站",
        "Qiantang Procuratorate Free Trade Zone Liaison Office",
        "330114",
        areas=["intellectual-property", "customs-tax"],
        langs=["zh", "en"],
        points=["hz-park-ftz-qiantang"],
    ),
    # Chambers of commerce and industry associations.
    _inst(
        "hz-chamber-foreign-invested",
        K.CHAMBER,
        "杭州外商投资企业联合商会",
        "Hangzhou Foreign-invested Enterprises Chamber",
        "330102",
        areas=["foreign-investment", "labour-employment"],
        langs=["zh", "en", "ja", "de", "ko"],
    ),
    _inst(
        "hz-chamber-going-global",
        K.CHAMBER,
        "杭州企业出海商会",
        "Hangzhou Going-Global Enterprises Chamber of Commerce",
        "330110",
        areas=["cross-border-investment", "international-trade"],
        langs=["zh", "en"],
    ),
    _inst(
        "hz-chamber-rcep",
        K.CHAMBER,
        "杭州RCEP经贸合作商会",
        "Hangzhou RCEP Trade Cooperation Chamber",
        "330109",
        areas=["international-trade", "customs-tax"],
        langs=["zh", "en", "ja", "ko", "vi"],
        juris=["JP", "KR", "SG", "MY", "TH", "VN", "ID", "PH", "AU", "NZ"],
    ),
    _inst(
        "hz-assoc-cbec-sellers",
        K.ASSOCIATION,
        "杭州跨境电商卖家联合会",
        "Hangzhou Cross-border E-commerce Sellers' Federation",
        "330105",
        areas=["cross-border-ecommerce", "ip-litigation-us", "trademarks"],
        langs=["zh", "en"],
        about=(
            "帮助卖家应对海外店铺冻结与知识产权诉讼。",
            "Helps sellers respond to frozen stores and IP suits abroad.",
        ),
        points=["hz-park-cbec-gongshu"],
    ),
    _inst(
        "hz-assoc-ai-industry",
        K.ASSOCIATION,
        "杭州人工智能产业出海促进会",
        "Hangzhou AI Industry Going-Global Association",
        "330110",
        areas=["data-compliance", "export-control-sanctions", "intellectual-property"],
        langs=["zh", "en"],
        points=["hz-park-ai-town"],
    ),
    _inst(
        "hz-assoc-biomed",
        K.ASSOCIATION,
        "杭州生物医药国际化联盟",
        "Hangzhou Biomedical Internationalisation Alliance",
        "330114",
        areas=["intellectual-property", "patents", "export-control-sanctions"],
        langs=["zh", "en", "de"],
        points=["hz-park-qiantang-biomed"],
    ),
]


def build_institutions(report, points: dict[str, ServicePoint]) -> dict[str, Institution]:
    prefix = city()["center"]["slug"].split("-")[0]
    institutions = {}
    for n, spec in enumerate(INSTITUTIONS, start=1):
        existing = Institution.objects.filter(organisation__slug=spec["slug"]).first()
        if existing is not None:
            institutions[spec["slug"]] = existing
            continue
        linked = [points[s] for s in [f"{prefix}-sub-{spec['district']}", *spec["points"]] if s in points]
        about = spec["about"]
        fields = {
            "jurisdictions": spec["jurisdictions"],
            "languages": spec["languages"],
            "foreign_offices": spec["offices"],
            "partner_firms": spec["partners"],
            "description": {"zh-hans": about[0], "en": about[1]} if about else {},
            "licence_number": _licence(spec["kind"], n),
            "phone": f"0571-8{(n * 7351) % 10_000_000:07d}",
            "email": f"contact@{spec['slug']}.example",
        }
        organisation = Organisation.objects.filter(slug=spec["slug"]).first()
        if organisation is not None:
            # A demo organisation (data/demo.json) that its people already belong to: give it a profile.
            institution = Institution(organisation=organisation, kind=spec["kind"], status=ReviewStatus.PENDING)
            institution.full_clean(exclude=["organisation"])
            institution.save()
            institution = services.institution_update(
                actor=None,
                institution=institution,
                district_code=organisation.district_code or spec["district"],
                practice_areas=spec["areas"],
                service_points=linked,
                **fields,
            )
        else:
            institution = services.institution_apply(
                actor=None,
                kind=spec["kind"],
                name=spec["zh"],
                name_en=spec["en"],
                district_code=spec["district"],
                practice_areas=spec["areas"],
                service_points=linked,
                slug=spec["slug"],
                submit=True,
                **fields,
            )
        if not spec["pending"]:
            institution = services.institution_review(actor=None, institution=institution, approve=True)
        institutions[spec["slug"]] = institution
        report.count("institutions", True)
    return institutions


# -- experts -----------------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾"
    "夏韦傅方邹孟熊秦邱江尹薛雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
_GIVEN_NAMES = (
    "子涵 浩然 思远 雨桐 嘉怡 俊杰 晓东 文博 欣怡 一鸣 志强 海燕 建华 婷婷 晨曦 立新 明轩 佳琪 宇航 晓雯 "
    "逸凡 若曦 家豪 雅婷 振宇 诗涵 天佑 可欣 博文 静怡 昊天 思琪 宏伟 慧敏 国栋 丽娟 晓峰 楠 昕 琳 "
    "蕾 鹏 斌 越 帆 颖 睿 哲 璐 敏 静 洁 磊 涛 军 峰 雪 倩 悦 凯 "
    "亮 婧 宁 瑶 晨 玥 航 淼 亦舒 景行 知远 书瑶 嘉禾 明哲 清扬 致远 若楠 梓轩 心怡 泽宇 "
    "沛然 安琪 文静 子墨 皓轩 雨萱 宇轩 梦瑶 "
)
GIVEN = _GIVEN_NAMES.split()

# Countries grouped as the decision's audiences: RCEP partners, Belt and Road countries, the EU, US/UK.
REGIONS = {
    "rcep": ["JP", "KR", "SG", "MY", "TH", "VN", "ID", "PH", "AU", "NZ"],
    "bri": ["KZ", "UZ", "RU", "AE", "SA", "TR", "PK", "EG", "HU", "RS"],
    "eu": ["DE", "FR", "IT", "ES", "NL", "PL"],
    "anglo": ["US", "GB"],
}
COUNTRY_LANGUAGE = {
    "JP": "ja", "KR": "ko", "MY": "ms", "TH": "th", "VN": "vi", "ID": "id", "KZ": "ru", "UZ": "ru", "RU": "ru",
    "AE": "ar", "SA": "ar", "EG": "ar", "TR": "tr", "PK": "ur", "HU": "hu", "RS": "sr", "DE": "de", "FR": "fr",
    "IT": "it", "ES": "es", "NL": "nl", "PL": "pl",
}  # fmt: skip
# How likely a Chinese expert focused on a country speaks its language.
COMMON_LANGUAGES = {"ja", "ko", "de", "fr", "ru", "es"}

PRACTICE_BY_KIND = {
    ExpertKind.LAWYER: [
        "international-trade", "trade-remedies", "cross-border-investment", "overseas-listing",
        "international-contracts", "cross-border-ecommerce", "intellectual-property", "ip-litigation-us",
        "trademarks", "patents", "data-compliance", "export-control-sanctions", "anti-corruption", "antitrust",
        "foreign-investment", "customs-tax", "maritime", "international-finance", "international-litigation",
        "labour-employment", "immigration", "family-inheritance", "real-estate-construction", "energy-resources",
        "insolvency",
    ],
    ExpertKind.ARBITRATOR: ["international-contracts", "real-estate-construction", "maritime", "international-trade",
                            "cross-border-investment", "intellectual-property"],
    ExpertKind.MEDIATOR: ["intellectual-property", "cross-border-ecommerce", "international-contracts",
                          "family-inheritance", "labour-employment", "trademarks"],
    ExpertKind.NOTARY: ["family-inheritance", "immigration", "intellectual-property", "legal-translation"],
    ExpertKind.APPRAISER: ["intellectual-property", "patents", "data-compliance", "customs-tax", "insolvency"],
    ExpertKind.FOREIGN_LAW_EXPERT: ["international-contracts", "international-litigation", "cross-border-investment",
                                    "family-inheritance", "labour-employment", "data-compliance"],
    ExpertKind.TRANSLATOR: ["notarization-legalization", "international-contracts", "intellectual-property"],
}  # fmt: skip
CORE_PRACTICE = {
    ExpertKind.ARBITRATOR: "international-arbitration",
    ExpertKind.MEDIATOR: "commercial-mediation",
    ExpertKind.NOTARY: "notarization-legalization",
    ExpertKind.FOREIGN_LAW_EXPERT: "foreign-law-ascertainment",
    ExpertKind.TRANSLATOR: "legal-translation",
}
INSTITUTION_FOR_KIND = {
    ExpertKind.LAWYER: [K.LAW_FIRM],
    ExpertKind.ARBITRATOR: [K.ARBITRATION, K.LAW_FIRM],
    ExpertKind.MEDIATOR: [K.MEDIATION],
    ExpertKind.NOTARY: [K.NOTARY],
    ExpertKind.APPRAISER: [K.APPRAISAL],
    ExpertKind.FOREIGN_LAW_EXPERT: [K.ASCERTAINMENT, K.LAW_FIRM],
    ExpertKind.TRANSLATOR: [K.ASCERTAINMENT, K.NOTARY, None],
}
# Hangzhou experts per kind (the Delta experts and foreign experts come on top).
HANGZHOU_COUNTS = {
    ExpertKind.LAWYER: 180,
    ExpertKind.ARBITRATOR: 22,
    ExpertKind.MEDIATOR: 22,
    ExpertKind.NOTARY: 14,
    ExpertKind.APPRAISER: 14,
    ExpertKind.FOREIGN_LAW_EXPERT: 12,
    ExpertKind.TRANSLATOR: 16,
}
DELTA = [
    ("shanghai", 5, "上海市司法局", "3101"),
    ("nanjing", 3, "江苏省司法厅", "3201"),
    ("suzhou", 3, "江苏省司法厅", "3205"),
    ("ningbo", 2, "浙江省司法厅", "3302"),
    ("hefei", 2, "安徽省司法厅", "3401"),
]
INDUSTRIES_STRATEGIC = [
    "new-generation-it", "artificial-intelligence", "biotech-pharma", "new-energy", "new-energy-vehicles",
    "new-materials", "high-end-equipment", "green-environmental", "digital-economy", "integrated-circuits",
]  # fmt: skip
INDUSTRIES_OTHER = [
    "e-commerce", "textiles-apparel", "machinery", "chemicals", "consumer-electronics", "home-furnishings",
    "auto-parts", "agriculture-food", "logistics-shipping", "finance-fintech", "culture-tourism", "education",
    "healthcare", "construction-infrastructure",
]  # fmt: skip

# Foreign experts: name in their own script, Latin name, country, languages with levels, kind.
FOREIGN = [
    ("田中 宏", "Tanaka Hiroshi", "JP", [("ja", "native"), ("zh", "fluent"), ("en", "fluent")], ExpertKind.LAWYER),
    ("佐藤 美咲", "Sato Misaki", "JP", [("ja", "native"), ("zh", "fluent"), ("en", "working")], ExpertKind.LAWYER),
    ("鈴木 健太", "Suzuki Kenta", "JP", [("ja", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("山本 直子", "Yamamoto Naoko", "JP", [("ja", "native"), ("zh", "fluent")], ExpertKind.TRANSLATOR),
    (
        "渡辺 誠",
        "Watanabe Makoto",
        "JP",
        [("ja", "native"), ("en", "fluent"), ("zh", "working")],
        ExpertKind.ARBITRATOR,
    ),
    ("中村 陽菜", "Nakamura Hina", "JP", [("ja", "native"), ("zh", "working")], ExpertKind.MEDIATOR),
    ("김민준", "Kim Min-jun", "KR", [("ko", "native"), ("zh", "fluent"), ("en", "fluent")], ExpertKind.LAWYER),
    ("이서연", "Lee Seo-yeon", "KR", [("ko", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("박지훈", "Park Ji-hoon", "KR", [("ko", "native"), ("zh", "working")], ExpertKind.TRANSLATOR),
    (
        "Tan Wei Ming",
        "Tan Wei Ming",
        "SG",
        [("en", "native"), ("zh", "fluent"), ("ms", "basic")],
        ExpertKind.ARBITRATOR,
    ),
    (
        "Nurul Aisyah binti Ahmad",
        "Nurul Aisyah binti Ahmad",
        "MY",
        [("ms", "native"), ("en", "fluent")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    (
        "สมชาย ใจดี",
        "Somchai Jaidee",
        "TH",
        [("th", "native"), ("en", "fluent"), ("zh", "working")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    (
        "Nguyễn Thị Lan",
        "Nguyen Thi Lan",
        "VN",
        [("vi", "native"), ("zh", "fluent"), ("en", "working")],
        ExpertKind.LAWYER,
    ),
    ("Budi Santoso", "Budi Santoso", "ID", [("id", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("Maria Santos-Reyes", "Maria Santos-Reyes", "PH", [("tl", "native"), ("en", "native")], ExpertKind.MEDIATOR),
    ("Olivia Thompson", "Olivia Thompson", "AU", [("en", "native"), ("zh", "working")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("Liam Walker", "Liam Walker", "NZ", [("en", "native")], ExpertKind.FOREIGN_LAW_EXPERT),
    (
        "Ержан Сапаров",
        "Yerzhan Saparov",
        "KZ",
        [("kk", "native"), ("ru", "native"), ("en", "working")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    (
        "Dilshod Karimov",
        "Dilshod Karimov",
        "UZ",
        [("uz", "native"), ("ru", "fluent"), ("zh", "working")],
        ExpertKind.LAWYER,
    ),
    (
        "Алексей Смирнов",
        "Aleksei Smirnov",
        "RU",
        [("ru", "native"), ("zh", "fluent"), ("en", "working")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    ("Екатерина Иванова", "Ekaterina Ivanova", "RU", [("ru", "native"), ("zh", "fluent")], ExpertKind.TRANSLATOR),
    ("أحمد المنصوري", "Ahmed Al Mansouri", "AE", [("ar", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("محمد الشهري", "Mohammed Al-Shahri", "SA", [("ar", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    (
        "ياسمين حسن",
        "Yasmin Hassan",
        "EG",
        [("ar", "native"), ("en", "fluent"), ("fr", "working")],
        ExpertKind.TRANSLATOR,
    ),
    ("Elif Yılmaz", "Elif Yilmaz", "TR", [("tr", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("عائشہ خان", "Ayesha Khan", "PK", [("ur", "native"), ("en", "native")], ExpertKind.FOREIGN_LAW_EXPERT),
    (
        "Nagy Péter",
        "Nagy Peter",
        "HU",
        [("hu", "native"), ("en", "fluent"), ("de", "working")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    (
        "Марко Петровић",
        "Marko Petrović",
        "RS",
        [("sr", "native"), ("en", "fluent"), ("ru", "working")],
        ExpertKind.LAWYER,
    ),
    ("Anna Müller", "Anna Müller", "DE", [("de", "native"), ("en", "fluent"), ("zh", "working")], ExpertKind.LAWYER),
    ("Jonas Weber", "Jonas Weber", "DE", [("de", "native"), ("en", "fluent")], ExpertKind.ARBITRATOR),
    ("Katharina Schmidt", "Katharina Schmidt", "DE", [("de", "native"), ("zh", "fluent")], ExpertKind.TRANSLATOR),
    (
        "Camille Dubois",
        "Camille Dubois",
        "FR",
        [("fr", "native"), ("en", "fluent"), ("zh", "working")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    ("Julien Lefèvre", "Julien Lefèvre", "FR", [("fr", "native"), ("en", "fluent")], ExpertKind.MEDIATOR),
    (
        "Giulia Bianchi",
        "Giulia Bianchi",
        "IT",
        [("it", "native"), ("en", "fluent"), ("zh", "basic")],
        ExpertKind.FOREIGN_LAW_EXPERT,
    ),
    ("Lucía García", "Lucía García", "ES", [("es", "native"), ("en", "fluent"), ("zh", "working")], ExpertKind.LAWYER),
    ("Sanne de Vries", "Sanne de Vries", "NL", [("nl", "native"), ("en", "native")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("Katarzyna Nowak", "Katarzyna Nowak", "PL", [("pl", "native"), ("en", "fluent")], ExpertKind.FOREIGN_LAW_EXPERT),
    ("Daniel Carter", "Daniel Carter", "US", [("en", "native"), ("zh", "fluent")], ExpertKind.LAWYER),
    ("Rebecca Stein", "Rebecca Stein", "US", [("en", "native"), ("es", "working")], ExpertKind.ARBITRATOR),
    ("James Whitaker", "James Whitaker", "GB", [("en", "native"), ("zh", "working")], ExpertKind.ARBITRATOR),
    ("Charlotte Evans", "Charlotte Evans", "GB", [("en", "native"), ("fr", "working")], ExpertKind.LAWYER),
]
FOREIGN_ISSUERS = {
    "JP": "Japan Federation of Bar Associations", "KR": "Korean Bar Association",
    "SG": "Supreme Court of Singapore", "MY": "Malaysian Bar", "TH": "Lawyers Council of Thailand",
    "VN": "Vietnam Bar Federation", "ID": "Indonesian Advocates Association (PERADI)",
    "PH": "Integrated Bar of the Philippines", "AU": "Law Society of New South Wales",
    "NZ": "New Zealand Law Society", "KZ": "Republican Bar Association of Kazakhstan",
    "UZ": "Chamber of Advocates of Uzbekistan", "RU": "Moscow City Bar Chamber", "AE": "Dubai Legal Affairs Department",
    "SA": "Saudi Bar Association", "EG": "Egyptian Bar Association", "TR": "Istanbul Bar Association",
    "PK": "Punjab Bar Council", "HU": "Budapest Bar Association", "RS": "Bar Association of Serbia",
    "DE": "Rechtsanwaltskammer Frankfurt am Main", "FR": "Barreau de Paris", "IT": "Ordine degli Avvocati di Milano",
    "ES": "Ilustre Colegio de la Abogacía de Madrid", "NL": "Nederlandse Orde van Advocaten",
    "PL": "Okręgowa Rada Adwokacka w Warszawie", "US": "New York State Bar", "GB": "Solicitors Regulation Authority",
}  # fmt: skip

KIND_ZH = {
    ExpertKind.LAWYER: "律师", ExpertKind.ARBITRATOR: "仲裁员", ExpertKind.MEDIATOR: "调解员",
    ExpertKind.NOTARY: "公证员", ExpertKind.APPRAISER: "司法鉴定人", ExpertKind.FOREIGN_LAW_EXPERT: "域外法查明专家",
    ExpertKind.TRANSLATOR: "法律翻译",
}  # fmt: skip
KIND_EN = {
    ExpertKind.LAWYER: "lawyer", ExpertKind.ARBITRATOR: "arbitrator", ExpertKind.MEDIATOR: "mediator",
    ExpertKind.NOTARY: "notary", ExpertKind.APPRAISER: "judicial appraiser",
    ExpertKind.FOREIGN_LAW_EXPERT: "foreign-law expert", ExpertKind.TRANSLATOR: "legal translator",
}  # fmt: skip

# Demo logins of provider roles get a profile of their own, so they see it when they sign in.
DEMO_USER_KINDS = {
    "lawyer": (ExpertKind.LAWYER, "330106", ["international-contracts", "cross-border-investment"], ["US", "JP"]),
    "arbitrator": (ExpertKind.ARBITRATOR, "330106", ["international-arbitration", "international-contracts"], ["SG"]),
    "mediator": (ExpertKind.MEDIATOR, "330102", ["commercial-mediation", "intellectual-property"], ["US", "GB"]),
    "notary": (ExpertKind.NOTARY, "330106", ["notarization-legalization", "family-inheritance"], []),
    "appraiser": (ExpertKind.APPRAISER, "330105", ["intellectual-property", "patents"], []),
    "foreign_law_expert": (ExpertKind.FOREIGN_LAW_EXPERT, "330106", ["foreign-law-ascertainment"], ["DE", "AT"]),
    "translator": (ExpertKind.TRANSLATOR, "330106", ["legal-translation", "notarization-legalization"], ["FR"]),
}


class _Names:
    """Chinese names without repeats, drawn from the pools."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def draw(self) -> tuple[str, str]:
        while True:
            surname, given = self.rng.choice(SURNAMES), self.rng.choice(GIVEN)
            if surname + given not in self.used:
                self.used.add(surname + given)
                break
        latin = f"{lazy_pinyin(surname)[0].capitalize()} {''.join(lazy_pinyin(given)).capitalize()}"
        return surname + given, latin


def _labels(vocabulary, codes, language) -> str:
    sep = "、" if language == "zh-hans" else ", "
    return sep.join(taxonomy.term_label(vocabulary, c, language) for c in codes)


def _countries(codes, language) -> str:
    if language == "zh-hans":
        return "、".join(taxonomy.country_name(c, language) for c in codes if c != "CN") or "中国"
    names = [("the " if c in _WITH_ARTICLE else "") + taxonomy.country_name(c, language) for c in codes if c != "CN"]
    return ", ".join(names) or "China"


_WITH_ARTICLE = {"US", "GB", "AE", "NL", "PH"}


def _languages(pairs, language) -> str:
    sep = "、" if language == "zh-hans" else ", "
    return sep.join(taxonomy.language_name(code, language) for code, _level in pairs)


def _bios(rng, spec, institution_names) -> dict[str, str]:
    kind, years = spec["kind"], spec["years_of_practice"]
    areas_zh = _labels(Vocabulary.PRACTICE_AREA, spec["practice_areas"][:3], "zh-hans")
    areas_en = _labels(Vocabulary.PRACTICE_AREA, spec["practice_areas"][:3], "en").lower()
    countries_zh, countries_en = _countries(spec["jurisdictions"], "zh-hans"), _countries(spec["jurisdictions"], "en")
    langs_zh, langs_en = _languages(spec["languages"], "zh-hans"), _languages(spec["languages"], "en")
    industries_zh = _labels(Vocabulary.INDUSTRY, spec["industries"][:2], "zh-hans")
    industries_en = _labels(Vocabulary.INDUSTRY, spec["industries"][:2], "en").lower()
    inst_zh, inst_en = institution_names
    where_zh = f"{inst_zh}{KIND_ZH[kind]}" if inst_zh else f"执业{KIND_ZH[kind]}"
    where_en = f"{KIND_EN[kind]} at {inst_en}" if inst_en else f"independent {KIND_EN[kind]}"
    article = "an" if where_en[0] in "aeiou" else "a"
    zh = rng.choice(
        [
            f"{where_zh}，从业{years}年，主要从事{areas_zh}业务，熟悉{countries_zh}相关法律实务，可使用{langs_zh}提供服务。",
            f"{where_zh}。长期为{industries_zh}领域企业提供{areas_zh}服务，处理过多起涉及{countries_zh}的案件。工作语言：{langs_zh}。",
            f"从业{years}年的{where_zh}，擅长{areas_zh}，曾协助多家杭州企业处理{countries_zh}相关事务。",
        ]
    )
    en = rng.choice(
        [
            f"{spec['name_latin']} is {article} {where_en} with {years} years of practice, focusing on {areas_en}. "
            f"Works on matters involving {countries_en}; speaks {langs_en}.",
            f"{article.capitalize()} {where_en} advising companies in {industries_en} on {areas_en}, "
            f"with experience of cases in {countries_en}. Working languages: {langs_en}.",
            f"{years} years of practice as {article} {where_en}. Handles {areas_en}, "
            f"and has helped Hangzhou companies with matters in {countries_en}.",
        ]
    )
    return {"zh-hans": zh, "en": en}


def _pick_industries(rng) -> list[str]:
    n = rng.choice([1, 1, 2, 2, 3])
    pool = INDUSTRIES_STRATEGIC if rng.random() < 0.6 else INDUSTRIES_OTHER
    chosen = rng.sample(pool, min(n, len(pool)))
    if n > 1 and rng.random() < 0.4:
        chosen[-1] = rng.choice(INDUSTRIES_OTHER if pool is INDUSTRIES_STRATEGIC else INDUSTRIES_STRATEGIC)
    return list(dict.fromkeys(chosen))


def _pick_focus(rng) -> list[str]:
    region = rng.choices(["anglo", "rcep", "eu", "bri"], weights=[30, 30, 20, 20])[0]
    countries = rng.sample(REGIONS[region], rng.choice([1, 1, 2, 2, 3]) if len(REGIONS[region]) > 2 else 1)
    if region == "anglo" and rng.random() < 0.5:
        countries = ["US", "GB"] if rng.random() < 0.4 else countries
    return countries


def _chinese_languages(rng, focus) -> list[tuple[str, str]]:
    pairs = [("zh", "native")]
    if rng.random() < 0.88 or any(c in ("US", "GB", "AU", "NZ", "SG", "PH") for c in focus):
        pairs.append(("en", rng.choices(["fluent", "working", "basic"], weights=[50, 42, 8])[0]))
    for country in focus:
        code = COUNTRY_LANGUAGE.get(country)
        if code and code not in dict(pairs) and rng.random() < (0.6 if code in COMMON_LANGUAGES else 0.25):
            pairs.append((code, rng.choices(["fluent", "working"], weights=[55, 45])[0]))
    return pairs


def _practice(rng, kind, focus) -> list[str]:
    pool = PRACTICE_BY_KIND[kind]
    codes = rng.sample(pool, rng.choice([1, 2, 2, 3]) if kind != ExpertKind.LAWYER else rng.choice([2, 3, 3, 4]))
    if kind in CORE_PRACTICE:
        codes.insert(0, CORE_PRACTICE[kind])
    if "US" in focus and kind == ExpertKind.LAWYER and rng.random() < 0.4:
        codes.append("ip-litigation-us")
    if "JP" in focus and kind == ExpertKind.LAWYER and rng.random() < 0.5:
        codes.append("international-contracts")
    return list(dict.fromkeys(codes))


class _Numbers:
    """Credential numbers, unique per kind and stable from run to run."""

    def __init__(self):
        self.serial = 0

    def next(self) -> int:
        self.serial += 1
        return self.serial


def _cn_credential(numbers, kind, issuer, region, issued: date, expires: date) -> dict:
    n = numbers.next()
    number = {
        CredentialKind.PRACTISING_LICENCE: f"1{region}{issued.year}{n % 2}{(n // 2) % 2}{n * 37 % 1_000_000:06d}",
        CredentialKind.ARBITRATOR_APPOINTMENT: f"HZIAC-ARB-{issued.year}-{n:04d}",
        CredentialKind.MEDIATOR_CERTIFICATE: f"ZJMED-{issued.year}-{n:05d}",
        CredentialKind.NOTARY_LICENCE: f"2{region}{issued.year}{n * 53 % 100_000:05d}",
        CredentialKind.APPRAISER_LICENCE: f"{region}{issued.year}{n * 71 % 100_000:06d}",
        CredentialKind.TRANSLATOR_CERTIFICATE: f"CATTI-{issued.year}{n * 89 % 10_000_000:08d}",
        CredentialKind.ACADEMIC: f"QTU-FLA-{issued.year}-{n:04d}",
    }[kind]
    return {"kind": kind, "issuer": issuer, "number": number, "issued_on": issued, "expires_on": expires}


CREDENTIAL_FOR_KIND = {
    ExpertKind.LAWYER: (CredentialKind.PRACTISING_LICENCE, "浙江省司法厅"),
    ExpertKind.ARBITRATOR: (CredentialKind.ARBITRATOR_APPOINTMENT, "杭州国际仲裁院"),
    ExpertKind.MEDIATOR: (CredentialKind.MEDIATOR_CERTIFICATE, "杭州国际商事调解中心"),
    ExpertKind.NOTARY: (CredentialKind.NOTARY_LICENCE, "浙江省司法厅"),
    ExpertKind.APPRAISER: (CredentialKind.APPRAISER_LICENCE, "浙江省司法厅"),
    ExpertKind.FOREIGN_LAW_EXPERT: (CredentialKind.ACADEMIC, "钱塘大学法学院"),
    ExpertKind.TRANSLATOR: (CredentialKind.TRANSLATOR_CERTIFICATE, "中国外文局翻译专业资格考评中心"),
}


def _fees(rng, kind) -> dict:
    if kind == ExpertKind.MEDIATOR and rng.random() < 0.35:
        return {"fee_basis": FeeBasis.PRO_BONO}
    if kind in (ExpertKind.NOTARY, ExpertKind.APPRAISER, ExpertKind.TRANSLATOR):
        low = rng.randrange(500, 3000, 100)
        return {
            "fee_basis": FeeBasis.PER_MATTER,
            "fee_min": Decimal(low),
            "fee_max": Decimal(low * rng.choice([2, 3, 4])),
        }
    low = rng.randrange(800, 3600, 100)
    high = min(5000, low + rng.randrange(500, 2100, 100))
    return {"fee_basis": FeeBasis.HOURLY, "fee_min": Decimal(low), "fee_max": Decimal(high)}


def _common(rng, kind) -> dict:
    years = rng.choices([rng.randint(2, 6), rng.randint(7, 15), rng.randint(16, 32)], weights=[35, 45, 20])[0]
    tier = rng.choices(
        [Tier.STANDARD, Tier.CITY_POOL, Tier.PROVINCIAL_POOL, Tier.NATIONAL_POOL], weights=[66, 18, 11, 5]
    )[0]
    if years < 5:
        tier = Tier.STANDARD
    max_matters = rng.choice([5, 6, 8, 10, 10, 12, 15, 20])
    open_matters = max_matters if rng.random() < 0.08 else rng.randint(0, max_matters - 1)
    return {
        "years_of_practice": years,
        "tier": tier,
        "max_matters": max_matters,
        "open_matters": open_matters,
        "availability": rng.choices(
            [Availability.AVAILABLE, Availability.LIMITED, Availability.UNAVAILABLE], weights=[75, 18, 7]
        )[0],
        "is_shared": rng.random() < 0.3,
        **_fees(rng, kind),
    }


def _expert_specs(rng: random.Random, institutions: dict[str, Institution], today: date) -> list[dict]:
    """Every demo expert as keyword arguments of ``services.expert_create`` (plus ``institution_slug``)."""
    names, numbers = _Names(rng), _Numbers()
    districts = [d["code"] for d in city()["districts"]]
    by_kind: dict[str, list[Institution]] = {}
    for slug, inst in institutions.items():
        if inst.status == ReviewStatus.VERIFIED and not slug.startswith("demo-legal-aid"):
            by_kind.setdefault(inst.kind, []).append(inst)
    # Bigger firms in the central districts.
    weight = {"330102": 3, "330106": 2, "330108": 2, "330105": 3, "330110": 3, "330109": 3, "330114": 3}
    specs = []

    def institution_for(kind):
        kinds = INSTITUTION_FOR_KIND[kind]
        inst_kind = rng.choice(kinds)
        candidates = by_kind.get(inst_kind, []) if inst_kind else []
        if not candidates:
            return None
        weights = [weight.get(i.organisation.district_code, 1) for i in candidates]
        return rng.choices(candidates, weights=weights)[0]

    def credential_dates(years):
        issued = date(today.year - years, rng.randint(1, 12), rng.randint(1, 28))
        return issued, today + timedelta(days=rng.randint(90, 1500))

    binjiang_japan = institutions.get("hz-lf-binjiang-zhihui")
    for kind, count in HANGZHOU_COUNTS.items():
        for i in range(count):
            name, latin = names.draw()
            common = _common(rng, kind)
            focus = _pick_focus(rng)
            institution = institution_for(kind)
            district = institution.organisation.district_code if institution else rng.choice(districts)
            if kind == ExpertKind.LAWYER and i < 5 and binjiang_japan is not None:
                # The acceptance scenario: Japanese-speaking lawyers for Japanese contract law in Binjiang.
                focus, institution, district = ["JP"], binjiang_japan, "330108"
            if institution is None and rng.random() < 0.2:
                district = rng.choice(districts)
            languages = _chinese_languages(rng, focus)
            practice = _practice(rng, kind, focus)
            if kind == ExpertKind.LAWYER and i < 5:
                languages = [("zh", "native"), ("ja", "native" if i == 4 else "fluent"), ("en", "working")]
                practice = ["international-contracts", *[p for p in practice if p != "international-contracts"]][:3]
            cred_kind, issuer = CREDENTIAL_FOR_KIND[kind]
            credentials = [
                _cn_credential(numbers, cred_kind, issuer, "3301", *credential_dates(common["years_of_practice"]))
            ]
            if kind == ExpertKind.LAWYER and "US" in focus and rng.random() < 0.3:
                n = numbers.next()
                credentials.append(
                    {"kind": CredentialKind.FOREIGN_QUALIFICATION, "issuer": "New York State Bar",
                     "number": f"NY-{5_000_000 + n * 131 % 1_000_000}", "issued_on": credentials[0]["issued_on"],
                     "expires_on": None}
                )  # fmt: skip
            specs.append(
                {
                    "kind": kind,
                    "name": name,
                    "name_latin": latin,
                    "institution_slug": institution.organisation.slug if institution else "",
                    "district_code": district,
                    "home_city": "hangzhou",
                    "jurisdictions": ["CN", *focus] if kind != ExpertKind.TRANSLATOR else focus,
                    "languages": languages,
                    "practice_areas": practice,
                    "industries": _pick_industries(rng),
                    "credentials": credentials,
                    **common,
                }
            )
    # Lawyers and arbitrators of the other Delta cities (local records with another home city).
    for home, count, issuer, region in DELTA:
        for _ in range(count):
            name, latin = names.draw()
            kind = rng.choices([ExpertKind.LAWYER, ExpertKind.ARBITRATOR, ExpertKind.FOREIGN_LAW_EXPERT], [6, 2, 1])[0]
            common = _common(rng, kind)
            focus = _pick_focus(rng)
            cred_kind = CredentialKind.PRACTISING_LICENCE if kind == ExpertKind.LAWYER else CREDENTIAL_FOR_KIND[kind][0]
            cred_issuer = issuer if kind == ExpertKind.LAWYER else CREDENTIAL_FOR_KIND[kind][1]
            specs.append(
                {
                    "kind": kind,
                    "name": name,
                    "name_latin": latin,
                    "institution_slug": "",
                    "district_code": "",
                    "home_city": home,
                    "jurisdictions": ["CN", *focus],
                    "languages": _chinese_languages(rng, focus),
                    "practice_areas": _practice(rng, kind, focus),
                    "industries": _pick_industries(rng),
                    "credentials": [
                        _cn_credential(
                            numbers, cred_kind, cred_issuer, region, *credential_dates(common["years_of_practice"])
                        )
                    ],
                    **{**common, "is_shared": True},
                }
            )
    # Foreign experts, with their home qualification.
    for native, latin, country, languages, kind in FOREIGN:
        common = _common(rng, kind)
        institution = institution_for(kind)
        if country == "JP" and kind == ExpertKind.LAWYER and binjiang_japan is not None:
            institution = binjiang_japan
        n = numbers.next()
        issued, _expires = credential_dates(common["years_of_practice"])
        credential = {
            "kind": CredentialKind.FOREIGN_QUALIFICATION,
            "issuer": FOREIGN_ISSUERS[country],
            "number": f"{country}-{issued.year}-{n * 97 % 100_000:05d}",
            "issued_on": issued,
            "expires_on": None,
        }
        if kind == ExpertKind.TRANSLATOR:
            credential = _cn_credential(numbers, *CREDENTIAL_FOR_KIND[kind], "3301", issued, _expires)
        practice = _practice(rng, kind, [country])
        if country == "JP" and kind == ExpertKind.LAWYER:
            practice = ["international-contracts", "cross-border-investment", "intellectual-property"]
        specs.append(
            {
                "kind": kind,
                "name": native,
                "name_latin": latin,
                "institution_slug": institution.organisation.slug if institution else "",
                "district_code": institution.organisation.district_code if institution else rng.choice(districts[:4]),
                "home_city": "hangzhou",
                "jurisdictions": [country] if kind != ExpertKind.LAWYER else [country, "CN"],
                "languages": languages,
                "practice_areas": practice,
                "industries": _pick_industries(rng),
                "credentials": [credential],
                **common,
            }
        )
    # Credentials about to expire (reminders) and lapsed ones (hidden from matching), among Hangzhou lawyers
    # other than the five of the Binjiang scenario.
    lawyers = [s for s in specs[5:180] if s["kind"] == ExpertKind.LAWYER]
    chosen = rng.sample(lawyers, 9)
    for spec, days in zip(chosen, [3, 6, 11, 17, 24, 29, -2, -15, -41], strict=True):
        credential = spec["credentials"][0]
        credential["expires_on"] = today + timedelta(days=days)
        credential["issued_on"] = min(credential["issued_on"], credential["expires_on"] - timedelta(days=365))
    for spec in specs:
        spec["status"] = ReviewStatus.VERIFIED
    # Work for the review queue: a few awaiting verification, one rejected.
    for spec in rng.sample(specs[5:], 7):
        spec["status"] = ReviewStatus.PENDING
    specs[-3]["status"] = "rejected"
    return specs


def _demo_user_specs(data, institutions, today: date) -> list[dict]:
    specs = []
    for n, person in enumerate(data.get("users", []), start=1):
        if person.get("role") not in DEMO_USER_KINDS:
            continue
        kind, district, practice, jurisdictions = DEMO_USER_KINDS[person["role"]]
        full = person["name"].removeprefix("Dr. ")
        parts = full.split(" ", 1)
        native, latin = (parts[0], parts[1]) if len(parts) == 2 and _HAN.search(parts[0]) else (full, full)
        institution = institutions.get(person.get("org") or "")
        cred_kind, issuer = CREDENTIAL_FOR_KIND[kind]
        number = {
            CredentialKind.PRACTISING_LICENCE: f"13301201210{900_000 + n:06d}",
        }.get(cred_kind, f"DEMO-{person['role'].upper()}-{n:03d}")
        specs.append(
            {
                "email": person["email"],
                "kind": kind,
                "name": native,
                "name_latin": latin,
                "institution_slug": institution.organisation.slug if institution else "",
                "district_code": district,
                "home_city": "hangzhou",
                "jurisdictions": ["CN", *jurisdictions] if kind != ExpertKind.TRANSLATOR else jurisdictions,
                "languages": [("zh", "native"), ("en", "fluent")]
                if not native.isascii()
                else [("en", "native"), ("zh", "working")],
                "practice_areas": practice,
                "industries": ["digital-economy", "e-commerce"],
                "credentials": [
                    {
                        "kind": cred_kind,
                        "issuer": issuer,
                        "number": number,
                        "issued_on": date(2012, 7, 1),
                        "expires_on": today + timedelta(days=700),
                    }
                ],  # fmt: skip
                "years_of_practice": 12,
                "tier": Tier.CITY_POOL,
                "max_matters": 10,
                "open_matters": 2,
                "availability": Availability.AVAILABLE,
                "fee_basis": FeeBasis.HOURLY,
                "fee_min": Decimal(1500),
                "fee_max": Decimal(3000),
                "is_shared": False,
                "status": ReviewStatus.VERIFIED,
            }
        )
    return specs


REJECTION_REASON = (
    "执业证书复印件不清晰，请重新上传。/ The copy of the practising licence is illegible; upload it again."
)


def build_experts(data, report, institutions: dict[str, Institution]) -> None:
    rng = random.Random(SEED)
    today = timezone.localdate()
    specs = _expert_specs(rng, institutions, today)
    user_specs = _demo_user_specs(data, institutions, today)
    held = set(Credential.objects.filter(is_external=False).values_list("kind", "number"))
    by_slug = {inst.organisation.slug: inst for inst in institutions.values()}
    for spec in specs + user_specs:
        first = spec["credentials"][0]
        if (first["kind"], first["number"]) in held:
            continue
        spec = dict(spec)
        email = spec.pop("email", "")
        user = User.objects.filter(email=email).first() if email else None
        if email and (user is None or hasattr(user, "expert_profile")):
            continue
        institution = by_slug.get(spec.pop("institution_slug"))
        status = spec.pop("status")
        # Text and contact details from a generator of their own, so they do not depend on what exists already.
        own = random.Random(f"{SEED}:{first['kind']}:{first['number']}")
        inst_names = (institution.organisation.name, institution.organisation.name_en) if institution else ("", "")
        spec["bios"] = _bios(own, spec, inst_names)
        spec["email"] = email or _email(spec, institution, own)
        spec["phone"] = f"0571-8{own.randint(0, 9_999_999):07d}" if spec["home_city"] == "hangzhou" else ""
        expert = services.expert_create(
            actor=None,
            institution=institution,
            status=ReviewStatus.PENDING if status == "rejected" else status,
            user=user,
            **spec,
        )
        if status == "rejected":
            services.expert_review(
                actor=None,
                expert=expert,
                approve=False,
                reason=REJECTION_REASON,
            )
        report.count("experts", True)


def _email(spec, institution, rng) -> str:
    local = "".join(c for c in fold(spec["name_latin"]).replace(" ", ".") if c.isascii() and (c.isalnum() or c in ".-"))
    domain = f"{institution.organisation.slug}.example" if institution else "experts.lawbridge.example"
    return f"{local or 'expert'}.{rng.randint(100, 999)}@{domain}"


def build(data, report) -> None:
    points = build_service_points(report)
    institutions = build_institutions(report, points)
    build_experts(data, report, institutions)
