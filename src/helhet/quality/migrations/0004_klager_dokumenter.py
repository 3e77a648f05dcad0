"""Issue 7: reserved in the chain so the areas can be built side by side; filled in by that area's work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_varsling")]

    operations: list[migrations.operations.base.Operation] = []
