"""The starting avvik categories (issue 7). More are added as data, not code."""

from __future__ import annotations

from typing import Any

from django.db import migrations

KATEGORIER = [
    ("hms", "HMS (helse, miljø og sikkerhet)", 10),
    ("fag-kvalitet", "Fag og kvalitet", 20),
    ("legemiddel", "Legemiddelhåndtering", 30),
    ("personvern", "Informasjonssikkerhet og personvern", 40),
    ("vold-trusler", "Vold og trusler", 50),
    ("fall", "Fall", 60),
]


def create(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("quality", "AvvikKategori")
    for kode, navn, rekkefolge in KATEGORIER:
        model.objects.update_or_create(kode=kode, defaults={"navn": navn, "rekkefolge": rekkefolge, "aktiv": True})


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("quality", "AvvikKategori").objects.filter(kode__in=[k for k, _, _ in KATEGORIER]).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
