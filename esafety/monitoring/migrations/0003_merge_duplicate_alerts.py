"""One alert per message and category: fill ``hits`` and merge the duplicates raised before.

A message that matched two rules of one category (severity 4 and 5 for the same words) raised two alerts. Each
group becomes one alert carrying its highest severity and every hit. The alert that survives is the one an
incident points at (the incident's ``source_ref`` names it), else an open one (a hit nobody has reviewed must
not vanish into a closed alert), else the most severe; the others' review notes are kept in its note.
No audit entry is written here: the audit chain is appended only by ``esafety.audit.actions.record`` at run
time, never by migrations; the merge is recorded in the CHANGELOG.
"""

from django.db import migrations
from django.db.models import Count

OPEN = ("new", "reviewed")


def _own_hit(alert):
    return {
        "rule": alert.rule,
        "severity": alert.severity,
        "evidence": alert.evidence,
        "start": alert.start,
        "end": alert.end,
        "context_before": alert.context_before,
        "context_after": alert.context_after,
    }


def fill_and_merge(apps, schema_editor):
    Alert = apps.get_model("monitoring", "Alert")
    batch = []
    for alert in Alert.objects.order_by("pk").iterator(chunk_size=500):
        if not alert.hits:
            alert.hits = [_own_hit(alert)]
            batch.append(alert)
        if len(batch) >= 500:
            Alert.objects.bulk_update(batch, ["hits"])
            batch = []
    if batch:
        Alert.objects.bulk_update(batch, ["hits"])

    groups = (
        Alert.objects.values("capture_id", "category")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("capture_id", "category")
    )
    for group in list(groups):
        alerts = list(
            Alert.objects.filter(capture_id=group["capture_id"], category=group["category"]).order_by("pk")
        )
        linked = [a for a in alerts if a.incident_id]
        open_ = [a for a in alerts if a.status in OPEN]
        if linked:
            keep = linked[0]
        elif open_:
            keep = min(open_, key=lambda a: (-a.severity, a.pk))
        else:
            keep = min(alerts, key=lambda a: (-a.severity, a.pk))
        seen, hits = set(), []
        for alert in alerts:
            for hit in alert.hits or [_own_hit(alert)]:
                key = (hit.get("rule"), hit.get("start"), hit.get("end"))
                if key not in seen:
                    seen.add(key)
                    hits.append(hit)
        hits.sort(key=lambda h: (h.get("start", 0), h.get("end", 0)))
        top = min(hits, key=lambda h: (-int(h.get("severity", 0)), h.get("start", 0)))
        notes = [keep.reason] if keep.reason else []
        for other in alerts:
            if other.pk != keep.pk and other.reason:
                notes.append(f"Merged from Alert #{other.pk} ({other.status}): {other.reason}")
        keep.hits = hits
        keep.severity = top["severity"]
        keep.rule = top["rule"]
        keep.evidence = top["evidence"]
        keep.start, keep.end = top["start"], top["end"]
        keep.context_before, keep.context_after = top["context_before"], top["context_after"]
        keep.reason = "\n".join(notes)
        keep.save(
            update_fields=[
                "hits",
                "severity",
                "rule",
                "evidence",
                "start",
                "end",
                "context_before",
                "context_after",
                "reason",
            ]
        )
        Alert.objects.filter(pk__in=[a.pk for a in alerts if a.pk != keep.pk]).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_alert_hits_and_technician_review")]

    operations = [migrations.RunPython(fill_and_merge, migrations.RunPython.noop)]
