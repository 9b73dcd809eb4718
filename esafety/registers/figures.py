"""Register figures for the governance pages (see ``esafety.governance.evidence``): anti-virus freshness of the
registered devices, as the DfE cyber security standard asks. Counts only."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from esafety.governance.evidence import Measure, Period, register
from esafety.registers.models import Device

if TYPE_CHECKING:
    from esafety.people.models import School

FRESH_DAYS = 7


def antivirus_freshness(school: School, period: Period) -> Measure:
    day = min(timezone.localdate(), period.end - timedelta(days=1))
    devices = list(Device.objects.filter(school=school, retired=False).values_list("kind", "av_updated_on"))
    if not devices:
        return Measure("No devices are registered", ok=None)
    labels = dict(Device.Kind.choices)
    per_kind: dict[str, list[bool]] = defaultdict(list)
    stale = unknown = 0
    for kind, updated in devices:
        fresh = updated is not None and timedelta(0) <= day - updated < timedelta(days=FRESH_DAYS)
        per_kind[labels.get(kind, kind)].append(fresh)
        unknown += updated is None
        stale += updated is not None and not fresh
    good = len(devices) - stale - unknown
    percent = round(100 * good / len(devices), 1)
    return Measure(
        f"{good} of {len(devices)} devices have anti-virus definitions under {FRESH_DAYS} days old ({percent:g}%)",
        value=percent,
        unit="%",
        series=tuple((kind, round(100 * sum(v) / len(v), 1)) for kind, v in sorted(per_kind.items())),
        series_unit="% up to date",
        rows=(("Devices", str(len(devices))), ("Out of date", str(stale)), ("Not known", str(unknown))),
        ok=good == len(devices),
    )


register("registers.antivirus_freshness", "Device anti-virus up to date", antivirus_freshness)
