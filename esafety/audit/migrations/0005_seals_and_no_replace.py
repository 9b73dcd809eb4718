"""Seals (an HMAC under a key outside the database) on every new entry, and a trigger that refuses
``INSERT OR REPLACE`` on SQLite.

SQLite's REPLACE deletes the clashing row without firing delete triggers (unless recursive triggers are on), so
the append-only triggers of 0004 never saw it. An insert that names an existing id or sequence number is refused
before it happens. PostgreSQL has no REPLACE; its ``ON CONFLICT DO UPDATE`` fires the UPDATE trigger.

``seal`` is added as a nullable column without a default, which both databases add in place: SQLite would rebuild
the table for anything else, and the rebuild would drop the triggers.
"""

from django.db import migrations, models

SQLITE = [
    "CREATE TRIGGER audit_entry_no_replace BEFORE INSERT ON audit_auditentry "
    "WHEN EXISTS (SELECT 1 FROM audit_auditentry WHERE id = NEW.id OR seq = NEW.seq) "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS audit_entry_no_replace"]


def run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seal",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="chaincheck",
            name="sealed",
            field=models.PositiveBigIntegerField(default=0, help_text="Entries carrying a valid seal"),
        ),
        migrations.RunPython(run({"sqlite": SQLITE}), run({"sqlite": SQLITE_REVERSE})),
    ]
