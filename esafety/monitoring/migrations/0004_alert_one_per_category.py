from django.db import migrations, models


class Migration(migrations.Migration):
    # Its own migration, after the merge: PostgreSQL refuses to alter a table with the merge's pending triggers.
    dependencies = [("monitoring", "0003_merge_duplicate_alerts")]

    operations = [
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                fields=("capture", "category"), name="monitoring_alert_one_per_category"
            ),
        ),
    ]
