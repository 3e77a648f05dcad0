"""Handling: one idempotency key may carry one action of each kind (a card's check-in and its check-out).

The table is replaced rather than altered: moving the primary key from ``nokkel`` to a new ``id``
in place fails on PostgreSQL, and the table only holds keys of actions already carried out.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_journal_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="Handling"),
        migrations.CreateModel(
            name="Handling",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("nokkel", models.UUIDField()),
                ("type", models.CharField(max_length=30)),
                ("tidspunkt", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "besok",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="handlinger", to="care.besok"
                    ),
                ),
                (
                    "utfort_av",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={"verbose_name": "handling fra mobil", "verbose_name_plural": "handlinger fra mobil"},
        ),
        migrations.AddConstraint(
            model_name="handling",
            constraint=models.UniqueConstraint(fields=("nokkel", "type"), name="handling_nokkel_type"),
        ),
    ]
