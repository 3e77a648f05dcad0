"""Issue 7: klager on the service (``Tjenesteklage``) and dokumentstyring (``Rutine`` and its versions,
read list and acknowledgements). Reserved in the chain so the areas can be built side by side."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0003_varsling"),
        ("cases", "0003_klage_sendt"),
        ("core", "0004_role_meldingsansvarlig"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Rutine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nummer", models.CharField(blank=True, max_length=30, verbose_name="dokumentnummer")),
                ("tittel", models.CharField(max_length=200, verbose_name="tittel")),
                ("omrade", models.CharField(blank=True, max_length=100, verbose_name="fagområde")),
                ("formal", models.TextField(blank=True, verbose_name="formål (kort)")),
                ("revisjonsdato", models.DateField(blank=True, null=True, verbose_name="neste revisjon")),
                ("aktiv", models.BooleanField(default=True, verbose_name="aktiv")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                (
                    "eier",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "leverandor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.leverandor"
                    ),
                ),
            ],
            options={
                "verbose_name": "rutine",
                "verbose_name_plural": "rutiner",
                "ordering": ["nummer", "tittel"],
            },
        ),
        migrations.CreateModel(
            name="RutineVersjon",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nummer", models.PositiveIntegerField(verbose_name="versjon")),
                ("tekst", models.TextField(verbose_name="tekst")),
                ("endringer", models.TextField(blank=True, verbose_name="hva er endret")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                ("godkjent", models.DateField(blank=True, null=True, verbose_name="godkjent")),
                (
                    "godkjent_av",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "opprettet_av",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "rutine",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="versjoner", to="quality.rutine"
                    ),
                ),
            ],
            options={
                "verbose_name": "versjon av rutine",
                "verbose_name_plural": "versjoner av rutiner",
                "ordering": ["rutine", "-nummer"],
            },
        ),
        migrations.AddField(
            model_name="rutine",
            name="gjeldende",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="quality.rutineversjon",
            ),
        ),
        migrations.CreateModel(
            name="Lesebekreftelse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("bekreftet", models.DateTimeField(verbose_name="bekreftet")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "versjon",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bekreftelser",
                        to="quality.rutineversjon",
                    ),
                ),
            ],
            options={
                "verbose_name": "lesebekreftelse",
                "verbose_name_plural": "lesebekreftelser",
            },
        ),
        migrations.CreateModel(
            name="Tjenesteklage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "klager_rolle",
                    models.CharField(
                        choices=[
                            ("tjenestemottaker", "Tjenestemottakeren selv"),
                            ("parorende", "Pårørende eller verge"),
                            ("bestiller", "Bestiller (bydel/kommune)"),
                            ("annen", "Andre"),
                        ],
                        max_length=20,
                        verbose_name="hvem klaget",
                    ),
                ),
                ("klager_navn", models.CharField(blank=True, max_length=200, verbose_name="navn på den som klaget")),
                ("mottatt", models.DateField(verbose_name="mottatt")),
                (
                    "kanal",
                    models.CharField(
                        choices=[
                            ("muntlig", "Muntlig ved besøk"),
                            ("telefon", "Telefon"),
                            ("epost", "E-post"),
                            ("brev", "Brev"),
                            ("digitalt", "Digitalt skjema"),
                            ("mote", "Møte"),
                        ],
                        max_length=20,
                        verbose_name="kanal",
                    ),
                ),
                (
                    "tema",
                    models.CharField(
                        choices=[
                            ("tidspunkt", "Tidspunkt og punktlighet"),
                            ("kontinuitet", "For mange ulike ansatte"),
                            ("kvalitet", "Kvaliteten på hjelpen"),
                            ("oppforsel", "Oppførsel og kommunikasjon"),
                            ("informasjon", "Informasjon og medvirkning"),
                            ("annet", "Annet"),
                        ],
                        max_length=20,
                        verbose_name="tema",
                    ),
                ),
                ("beskrivelse", models.TextField(verbose_name="hva klagen gjelder")),
                ("frist", models.DateField(verbose_name="svarfrist")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("mottatt", "Mottatt"),
                            ("under_behandling", "Under behandling"),
                            ("besvart", "Besvart"),
                        ],
                        default="mottatt",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("registrert", models.DateTimeField(auto_now_add=True, verbose_name="registrert")),
                ("vurdering", models.TextField(blank=True, verbose_name="vurdering")),
                ("tiltak", models.TextField(blank=True, verbose_name="tiltak")),
                ("gjelder_vedtak", models.BooleanField(default=False, verbose_name="gjelder egentlig vedtaket")),
                ("besvart", models.DateField(blank=True, null=True, verbose_name="besvart")),
                (
                    "svarmate",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("muntlig", "Muntlig ved besøk"),
                            ("telefon", "Telefon"),
                            ("epost", "E-post"),
                            ("brev", "Brev"),
                            ("digitalt", "Digitalt skjema"),
                            ("mote", "Møte"),
                        ],
                        max_length=20,
                        verbose_name="svart hvordan",
                    ),
                ),
                ("svar_sammendrag", models.TextField(blank=True, verbose_name="hva svaret sa")),
                (
                    "utfall",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("medhold", "Medhold"),
                            ("delvis", "Delvis medhold"),
                            ("ikke_medhold", "Ikke medhold"),
                        ],
                        max_length=20,
                        verbose_name="utfall",
                    ),
                ),
                ("endret", models.DateTimeField(auto_now=True, verbose_name="endret")),
                (
                    "avvik",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="quality.avvik",
                    ),
                ),
                (
                    "behandler",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "enhet",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.enhet"),
                ),
                (
                    "registrert_av",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "tjenestemottaker",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.tjenestemottaker",
                    ),
                ),
                (
                    "vedtaksklage",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="cases.klage",
                    ),
                ),
            ],
            options={
                "verbose_name": "klage på tjenesten",
                "verbose_name_plural": "klager på tjenesten",
                "ordering": ["-mottatt", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="RutineLeseplikt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "rolle",
                    models.CharField(
                        choices=[
                            ("saksbehandler", "Saksbehandler"),
                            ("vedtaksmyndig", "Vedtaksmyndig"),
                            ("leder", "Leder"),
                            ("sykepleier", "Sykepleier"),
                            ("helsefagarbeider", "Helsefagarbeider"),
                            ("assistent", "Assistent"),
                            ("kvalitetsleder", "Kvalitetsleder"),
                            ("personvernansvarlig", "Personvern- og sikkerhetsansvarlig"),
                            ("systemadministrator", "Systemadministrator"),
                            ("meldingsansvarlig", "Meldingsansvarlig (avvik)"),
                        ],
                        max_length=30,
                        verbose_name="rolle",
                    ),
                ),
                (
                    "rutine",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="leseplikt", to="quality.rutine"
                    ),
                ),
            ],
            options={
                "verbose_name": "leseplikt",
                "verbose_name_plural": "leseplikter",
                "constraints": [models.UniqueConstraint(fields=("rutine", "rolle"), name="rutineleseplikt_unique")],
            },
        ),
        migrations.AddConstraint(
            model_name="rutineversjon",
            constraint=models.UniqueConstraint(fields=("rutine", "nummer"), name="rutineversjon_unique"),
        ),
        migrations.AddConstraint(
            model_name="lesebekreftelse",
            constraint=models.UniqueConstraint(fields=("versjon", "user"), name="lesebekreftelse_unique"),
        ),
        migrations.AddIndex(
            model_name="tjenesteklage",
            index=models.Index(fields=["enhet", "status"], name="quality_tje_enhet_i_a230b9_idx"),
        ),
        migrations.AddIndex(
            model_name="tjenesteklage",
            index=models.Index(fields=["mottatt"], name="quality_tje_mottatt_24203a_idx"),
        ),
    ]
