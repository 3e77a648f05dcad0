"""Issue 7: an avvik may point at the care plan's tiltak and at the procedure (rutine) it concerns; the
reporter's first look at the outcome is stamped, so the menu can say there is an outcome to read."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0006_besok_planlagt_start_help"),
        ("quality", "0006_ros_undersokelser"),
    ]

    operations = [
        migrations.AddField(
            model_name="avvik",
            name="plantiltak",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="care.tiltak",
                verbose_name="tiltak i planen",
            ),
        ),
        migrations.AddField(
            model_name="avvik",
            name="rutine",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="quality.rutine",
                verbose_name="rutine",
            ),
        ),
        migrations.AddField(
            model_name="avvik",
            name="utfall_sett",
            field=models.DateTimeField(blank=True, null=True, verbose_name="melderen så utfallet"),
        ),
    ]
