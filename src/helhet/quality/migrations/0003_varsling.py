"""Issue 7 point 2: varsling (whistleblowing): named recipients, cases, dialogue, internal notes, rate state."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0002_avvikkategori_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VarslingForsok",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nokkel", models.CharField(max_length=80, unique=True, verbose_name="nøkkel")),
                ("tilstand", models.JSONField(default=dict, verbose_name="tilstand")),
            ],
            options={
                "verbose_name": "forsøk på varslingssak",
                "verbose_name_plural": "forsøk på varslingssaker",
            },
        ),
        migrations.CreateModel(
            name="VarslingSak",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kanal",
                    models.CharField(
                        choices=[("intern", "Intern mottaker"), ("ekstern", "Ekstern mottaker")],
                        max_length=10,
                        verbose_name="kanal",
                    ),
                ),
                ("anonym", models.BooleanField(default=True, verbose_name="anonym")),
                ("beskrivelse", models.TextField(blank=True, verbose_name="hva gjelder varselet")),
                ("tidsrom", models.CharField(blank=True, max_length=200, verbose_name="når skjedde det")),
                (
                    "kode_hmac",
                    models.CharField(
                        blank=True, max_length=64, null=True, unique=True, verbose_name="saksnummer (nøkkelhash)"
                    ),
                ),
                ("passfrase_hash", models.CharField(blank=True, max_length=255, verbose_name="passfrase (Argon2id)")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("mottatt", "Mottatt"),
                            ("under_undersokelse", "Under undersøkelse"),
                            ("avsluttet", "Avsluttet"),
                        ],
                        default="mottatt",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "utfall",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ikke_varsling", "Ikke en varslingssak (sendt videre)"),
                            ("ubegrunnet", "Undersøkt, ingen kritikkverdige forhold funnet"),
                            ("begrunnet", "Kritikkverdige forhold funnet og fulgt opp"),
                            ("rettslig", "Rettslig eller disiplinær prosess pågår"),
                        ],
                        max_length=20,
                        verbose_name="utfall",
                    ),
                ),
                ("mottatt", models.DateField(verbose_name="mottatt")),
                ("kvittert", models.DateField(blank=True, null=True, verbose_name="første svar fra mottaker")),
                ("avsluttet", models.DateField(blank=True, null=True, verbose_name="avsluttet")),
                ("slettes", models.DateField(blank=True, null=True, verbose_name="slettes")),
                ("slette_regel", models.TextField(blank=True, verbose_name="sletteregel")),
                ("slettet", models.DateField(blank=True, null=True, verbose_name="innholdet slettet")),
                ("nytt_fra_melder", models.BooleanField(default=False, verbose_name="nytt fra melderen")),
                ("nytt_fra_mottaker", models.BooleanField(default=False, verbose_name="nytt fra mottakeren")),
                (
                    "leverandor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.leverandor"
                    ),
                ),
                (
                    "melder",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "varslingssak",
                "verbose_name_plural": "varslingssaker",
                "ordering": ["-mottatt", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="VarslingNotat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tekst", models.TextField(verbose_name="notat")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                (
                    "forfatter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "sak",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="notater", to="quality.varslingsak"
                    ),
                ),
            ],
            options={
                "verbose_name": "internt notat i varslingssak",
                "verbose_name_plural": "interne notater i varslingssaker",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="VarslingMelding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "fra",
                    models.CharField(
                        choices=[("melder", "Varsleren"), ("mottaker", "Mottakeren")], max_length=10, verbose_name="fra"
                    ),
                ),
                ("tekst", models.TextField(verbose_name="melding")),
                ("dato", models.DateField(verbose_name="dato")),
                (
                    "forfatter",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "sak",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="meldinger", to="quality.varslingsak"
                    ),
                ),
            ],
            options={
                "verbose_name": "melding i varslingssak",
                "verbose_name_plural": "meldinger i varslingssaker",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="VarslingMottaker",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kanal",
                    models.CharField(
                        choices=[("intern", "Intern mottaker"), ("ekstern", "Ekstern mottaker")],
                        max_length=10,
                        verbose_name="kanal",
                    ),
                ),
                (
                    "organisasjon",
                    models.CharField(
                        blank=True, help_text="For ekstern mottaker.", max_length=200, verbose_name="organisasjon"
                    ),
                ),
                ("aktiv", models.BooleanField(default=True, verbose_name="aktiv")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                (
                    "leverandor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.leverandor"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="varsling_mottak",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "varslingsmottaker",
                "verbose_name_plural": "varslingsmottakere",
                "constraints": [
                    models.UniqueConstraint(fields=("leverandor", "user", "kanal"), name="varslingmottaker_unik")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="varslingsak",
            index=models.Index(fields=["leverandor", "kanal", "status"], name="quality_var_leveran_2e9d8f_idx"),
        ),
        migrations.AddIndex(
            model_name="varslingsak",
            index=models.Index(fields=["slettes"], name="quality_var_slettes_b59226_idx"),
        ),
    ]
