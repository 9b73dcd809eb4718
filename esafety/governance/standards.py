"""What the annual filtering and monitoring review checks, item by item, with where each item comes from.

Two sources:

- DfE, "Meeting digital and technology standards in schools and colleges: filtering and monitoring standards"
  (March 2023, updated October 2024), and the cyber security standard's anti-malware item;
- UK Safer Internet Centre (UKSIC), "Appropriate filtering" and "Appropriate monitoring" definitions for
  education settings in England (2024/25 editions).

An item names the evidence keys (``governance.evidence``) that can measure it. When at least one of them is
recorded in esafety the answer is **measured** and the figures are kept with it; otherwise it is
**self-reported** and the reviewer records whose word it rests on (a provider's statement, the technician).
"""

from __future__ import annotations

from dataclasses import dataclass

DFE = "DfE filtering and monitoring standards (2023, updated 2024)"
DFE_URL = "https://www.gov.uk/guidance/meeting-digital-and-technology-standards-in-schools-and-colleges/filtering-and-monitoring-standards-for-schools-and-colleges"
DFE_CYBER = "DfE cyber security standards for schools and colleges"
DFE_CYBER_URL = "https://www.gov.uk/guidance/meeting-digital-and-technology-standards-in-schools-and-colleges/cyber-security-standards-for-schools-and-colleges"
UKSIC_FILTERING = "UKSIC appropriate filtering definitions (2024)"
UKSIC_FILTERING_URL = "https://saferinternet.org.uk/guide-and-resource/teachers-and-school-staff/appropriate-filtering-and-monitoring/appropriate-filtering"
UKSIC_MONITORING = "UKSIC appropriate monitoring definitions (2024)"
UKSIC_MONITORING_URL = "https://saferinternet.org.uk/guide-and-resource/teachers-and-school-staff/appropriate-filtering-and-monitoring/appropriate-monitoring"


@dataclass(frozen=True)
class Item:
    key: str
    section: str
    text: str
    source: str
    url: str
    evidence: tuple[str, ...] = ()
    guidance: str = ""


SECTIONS = (
    "Roles and responsibilities",
    "Annual review",
    "Filtering",
    "Monitoring",
    "Devices",
    "UKSIC: illegal content",
    "UKSIC: filtering system features",
    "UKSIC: monitoring system features",
)

ITEMS: tuple[Item, ...] = (
    Item(
        "dfe.roles.named",
        "Roles and responsibilities",
        "A member of the senior leadership team and a governor are named as responsible for filtering and "
        "monitoring, and the DSL, IT staff and provider know their part.",
        DFE,
        DFE_URL,
        ("governance.responsible_people",),
    ),
    Item(
        "dfe.roles.trained",
        "Roles and responsibilities",
        "The named people have had training for their role in filtering and monitoring.",
        DFE,
        DFE_URL,
        ("training.named_people",),
    ),
    Item(
        "dfe.roles.staff_understand",
        "Roles and responsibilities",
        "All staff understand their part: they know how to report a concern and what to do when content gets "
        "through or is blocked wrongly (staff training and induction).",
        DFE,
        DFE_URL,
        ("training.compliance", "policies.acknowledgement_completion"),
    ),
    Item(
        "dfe.review.annual",
        "Annual review",
        "Filtering and monitoring provision is reviewed at least once every academic year, by the SLT, the DSL "
        "and IT support with the responsible governor, and the review is recorded.",
        DFE,
        DFE_URL,
        ("governance.last_review", "governance.overdue_actions"),
    ),
    Item(
        "dfe.review.risks",
        "Annual review",
        "The review considers the risks pupils face, including pupils with SEND or EAL, generative AI and "
        "personal and mobile devices (record them in the notes below).",
        DFE,
        DFE_URL,
        guidance="Answer from the notes on SEND, EAL, AI and devices further down this page.",
    ),
    Item(
        "dfe.filtering.blocks",
        "Filtering",
        "The filtering system blocks harmful and inappropriate content without unreasonably affecting teaching "
        "and learning.",
        DFE,
        DFE_URL,
        ("filtering.blocks", "filtering.change_requests"),
    ),
    Item(
        "dfe.filtering.checks",
        "Filtering",
        "Checks that filtering works are carried out and recorded, for each group of users and device type, "
        "including when something changes.",
        DFE,
        DFE_URL,
        ("filtering.test_results",),
    ),
    Item(
        "dfe.monitoring.effective",
        "Monitoring",
        "Monitoring strategies meet the school's safeguarding needs: alerts are seen and acted on promptly, "
        "and concerns reach the DSL.",
        DFE,
        DFE_URL,
        ("monitoring.time_to_review", "monitoring.alerts_by_severity"),
    ),
    Item(
        "dfe.monitoring.incidents",
        "Monitoring",
        "Online-safety concerns are recorded and followed up (the safeguarding log).",
        DFE,
        DFE_URL,
        ("incidents.response", "incidents.by_category"),
    ),
    Item(
        "dfe.cyber.antimalware",
        "Devices",
        "Every device is protected by anti-malware that is kept up to date.",
        DFE_CYBER,
        DFE_CYBER_URL,
        ("registers.antivirus_freshness",),
    ),
    Item(
        "uksic.iwf_member",
        "UKSIC: illegal content",
        "The filtering provider is a member of the Internet Watch Foundation (IWF).",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
        guidance="Self-reported: record the provider's statement or its IWF membership page.",
    ),
    Item(
        "uksic.iwf_list",
        "UKSIC: illegal content",
        "The IWF URL list of child sexual abuse content is blocked.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
        ("filtering.test_results",),
    ),
    Item(
        "uksic.ctiru",
        "UKSIC: illegal content",
        "The police-assessed list of unlawful terrorist content (formerly the CTIRU list) is blocked.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
    ),
    Item(
        "uksic.cannot_disable",
        "UKSIC: illegal content",
        "Blocking of illegal content cannot be switched off by anyone at the school, administrators included.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
    ),
    Item(
        "uksic.identification",
        "UKSIC: filtering system features",
        "The filter identifies individual users (not only devices or addresses), so a concern reaches the "
        "right person.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
    ),
    Item(
        "uksic.differentiated",
        "UKSIC: filtering system features",
        "Filtering differs by age, vulnerability and risk (pupils, staff, year groups).",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
        ("filtering.test_results",),
    ),
    Item(
        "uksic.circumvention",
        "UKSIC: filtering system features",
        "VPNs, proxies and encrypted DNS that would bypass the filter are identified and blocked.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
    ),
    Item(
        "uksic.reporting",
        "UKSIC: filtering system features",
        "Staff and pupils can report content that is wrongly blocked or wrongly allowed, and the requests and "
        "their reasons are kept.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
        ("filtering.change_requests",),
    ),
    Item(
        "uksic.reports",
        "UKSIC: filtering system features",
        "The filter gives clear historical reports of what users tried to reach.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
        ("filtering.blocks",),
    ),
    Item(
        "uksic.safe_search",
        "UKSIC: filtering system features",
        "Safe search is enforced on search engines and video sites.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
    ),
    Item(
        "uksic.generative_ai",
        "UKSIC: filtering system features",
        "Generative AI tools pupils can reach are filtered or managed, with their risks considered.",
        UKSIC_FILTERING,
        UKSIC_FILTERING_URL,
    ),
    Item(
        "uksic.monitoring.alerts",
        "UKSIC: monitoring system features",
        "Monitoring raises alerts by severity and they are handled by named people within set times.",
        UKSIC_MONITORING,
        UKSIC_MONITORING_URL,
        ("monitoring.alerts_by_severity", "monitoring.time_to_review"),
    ),
    Item(
        "uksic.monitoring.languages",
        "UKSIC: monitoring system features",
        "Monitoring covers the languages and terms pupils actually use (multi-language support, the school's "
        "own terms).",
        UKSIC_MONITORING,
        UKSIC_MONITORING_URL,
    ),
    Item(
        "uksic.monitoring.devices",
        "UKSIC: monitoring system features",
        "Monitoring covers every school device and account, including those used off site.",
        UKSIC_MONITORING,
        UKSIC_MONITORING_URL,
        ("registers.antivirus_freshness",),
    ),
)
BY_KEY = {item.key: item for item in ITEMS}


def sections() -> list[tuple[str, list[Item]]]:
    return [(name, [item for item in ITEMS if item.section == name]) for name in SECTIONS]
