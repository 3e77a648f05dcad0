"""Issue 7 point 4: audit plans, internal and external audits, findings, corrective actions, certificates."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0004_klager_dokumenter"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0004_role_meldingsansvarlig"),
    ]

    operations = [
        migrations.CreateModel(
            name="Funn",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "type",
                    models.CharField(
                        choices=[("avvik", "Avvik"), ("merknad", "Merknad"), ("observasjon", "Observasjon")],
                        max_length=12,
                        verbose_name="type funn",
                    ),
                ),
                ("beskrivelse", models.TextField(verbose_name="beskrivelse")),
                ("referanse", models.CharField(blank=True, max_length=120, verbose_name="krav/referanse")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
            ],
            options={
                "verbose_name": "funn",
                "verbose_name_plural": "funn",
                "ordering": ["pk"],
            },
        ),
        migrations.CreateModel(
            name="KorrigerendeTiltak",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("beskrivelse", models.TextField(verbose_name="tiltak")),
                ("frist", models.DateField(verbose_name="frist")),
                ("utfort", models.DateField(blank=True, null=True, verbose_name="utført")),
                ("effekt", models.TextField(blank=True, verbose_name="vurdering av effekt")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                (
                    "ansvarlig",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "funn",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="tiltak", to="quality.funn"
                    ),
                ),
                (
                    "lukket_av",
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
                "verbose_name": "korrigerende tiltak",
                "verbose_name_plural": "korrigerende tiltak",
                "ordering": ["frist", "pk"],
            },
        ),
        migrations.CreateModel(
            name="PlanlagtRevisjon",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("tema", models.CharField(max_length=200, verbose_name="tema")),
                (
                    "krav",
                    models.CharField(
                        blank=True,
                        help_text="For eksempel «ISO 9001 9.2».",
                        max_length=120,
                        verbose_name="standard/krav",
                    ),
                ),
                ("maned", models.PositiveSmallIntegerField(verbose_name="planlagt måned")),
                (
                    "enhet",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.enhet",
                    ),
                ),
                (
                    "revisjonsleder",
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
                "verbose_name": "planlagt revisjon",
                "verbose_name_plural": "planlagte revisjoner",
                "ordering": ["maned", "pk"],
            },
        ),
        migrations.CreateModel(
            name="Revisjon",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "type",
                    models.CharField(
                        choices=[("intern", "Internrevisjon"), ("ekstern", "Ekstern revisjon")],
                        default="intern",
                        max_length=10,
                        verbose_name="type",
                    ),
                ),
                (
                    "eksternt_organ",
                    models.CharField(blank=True, max_length=200, verbose_name="eksternt revisjonsorgan"),
                ),
                ("tittel", models.CharField(max_length=200, verbose_name="tittel")),
                ("omfang", models.TextField(blank=True, verbose_name="omfang")),
                ("planlagt_dato", models.DateField(blank=True, null=True, verbose_name="planlagt dato")),
                ("gjennomfort_dato", models.DateField(blank=True, null=True, verbose_name="gjennomført")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("planlagt", "Planlagt"),
                            ("pagar", "Pågår"),
                            ("rapportert", "Rapportert"),
                            ("lukket", "Lukket"),
                        ],
                        default="planlagt",
                        max_length=12,
                        verbose_name="status",
                    ),
                ),
                ("rapport", models.TextField(blank=True, verbose_name="oppsummering i rapporten")),
                ("rapportert", models.DateField(blank=True, null=True, verbose_name="rapportert")),
                ("lukket", models.DateField(blank=True, null=True, verbose_name="lukket")),
                ("kilde_kategori", models.CharField(blank=True, max_length=100, verbose_name="avvikskategori (kilde)")),
                ("kilde_avvik", models.JSONField(blank=True, default=list, verbose_name="avvik som ga forslaget")),
                ("kilde_begrunnelse", models.TextField(blank=True, verbose_name="begrunnelse for forslaget")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                ("endret", models.DateTimeField(auto_now=True, verbose_name="endret")),
                (
                    "enhet",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.enhet",
                    ),
                ),
                (
                    "leverandor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.leverandor"
                    ),
                ),
                (
                    "opprettet_av",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "planlagt_revisjon",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="revisjon",
                        to="quality.planlagtrevisjon",
                    ),
                ),
                (
                    "revisjonsleder",
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
                "verbose_name": "revisjon",
                "verbose_name_plural": "revisjoner",
                "ordering": ["-planlagt_dato", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="funn",
            name="revisjon",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="funn", to="quality.revisjon"
            ),
        ),
        migrations.CreateModel(
            name="RevisjonsPlan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("aar", models.PositiveSmallIntegerField(verbose_name="år")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                (
                    "leverandor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.leverandor"
                    ),
                ),
            ],
            options={
                "verbose_name": "revisjonsplan",
                "verbose_name_plural": "revisjonsplaner",
                "ordering": ["-aar", "leverandor__navn"],
            },
        ),
        migrations.AddField(
            model_name="planlagtrevisjon",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="linjer", to="quality.revisjonsplan"
            ),
        ),
        migrations.CreateModel(
            name="Sertifikat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "standard",
                    models.CharField(
                        choices=[
                            ("iso9001", "ISO 9001 (kvalitet)"),
                            ("iso14001", "ISO 14001 (miljø)"),
                            ("iso45001", "ISO 45001 (arbeidsmiljø)"),
                            ("iso27001", "ISO/IEC 27001 (informasjonssikkerhet)"),
                            ("equass", "EQUASS Assurance"),
                        ],
                        max_length=10,
                        verbose_name="standard",
                    ),
                ),
                ("omfang", models.TextField(verbose_name="omfang")),
                ("utsteder", models.CharField(max_length=200, verbose_name="utsteder (sertifiseringsorgan)")),
                ("sertifikatnummer", models.CharField(blank=True, max_length=60, verbose_name="sertifikatnummer")),
                ("gyldig_fra", models.DateField(verbose_name="gyldig fra")),
                ("gyldig_til", models.DateField(verbose_name="gyldig til")),
                ("opprettet", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
                ("endret", models.DateTimeField(auto_now=True, verbose_name="endret")),
                (
                    "leverandor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.leverandor"
                    ),
                ),
            ],
            options={
                "verbose_name": "sertifikat",
                "verbose_name_plural": "sertifikater",
                "ordering": ["gyldig_til", "standard"],
            },
        ),
        migrations.AddField(
            model_name="revisjon",
            name="sertifikat",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="revisjoner",
                to="quality.sertifikat",
            ),
        ),
        migrations.CreateModel(
            name="Oppfolgingsrevisjon",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "type",
                    models.CharField(
                        choices=[("overvaking", "Oppfølgingsrevisjon"), ("fornyelse", "Resertifisering")],
                        default="overvaking",
                        max_length=12,
                        verbose_name="type",
                    ),
                ),
                ("dato", models.DateField(verbose_name="dato")),
                ("gjennomfort", models.DateField(blank=True, null=True, verbose_name="gjennomført")),
                (
                    "sertifikat",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="oppfolging", to="quality.sertifikat"
                    ),
                ),
            ],
            options={
                "verbose_name": "oppfølgingsrevisjon",
                "verbose_name_plural": "oppfølgingsrevisjoner",
                "ordering": ["dato", "pk"],
            },
        ),
        migrations.CreateModel(
            name="SjekklistePunkt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sporsmal", models.TextField(verbose_name="spørsmål/krav")),
                (
                    "referanse",
                    models.CharField(
                        blank=True, help_text="For eksempel «ISO 9001 7.2».", max_length=120, verbose_name="referanse"
                    ),
                ),
                (
                    "svar",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("samsvar", "Samsvar"),
                            ("ikke_samsvar", "Ikke samsvar"),
                            ("ikke_relevant", "Ikke relevant"),
                        ],
                        max_length=15,
                        verbose_name="svar",
                    ),
                ),
                ("kommentar", models.TextField(blank=True, verbose_name="kommentar")),
                ("rekkefolge", models.PositiveSmallIntegerField(default=0, verbose_name="rekkefølge")),
                (
                    "revisjon",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="sjekkliste", to="quality.revisjon"
                    ),
                ),
            ],
            options={
                "verbose_name": "sjekklistepunkt",
                "verbose_name_plural": "sjekklistepunkter",
                "ordering": ["rekkefolge", "pk"],
            },
        ),
        migrations.AddField(
            model_name="funn",
            name="sjekklistepunkt",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="funn",
                to="quality.sjekklistepunkt",
            ),
        ),
        migrations.AddConstraint(
            model_name="revisjonsplan",
            constraint=models.UniqueConstraint(fields=("leverandor", "aar"), name="revisjonsplan_en_per_aar"),
        ),
        migrations.AddConstraint(
            model_name="sertifikat",
            constraint=models.CheckConstraint(
                condition=models.Q(("gyldig_til__gte", models.F("gyldig_fra"))), name="sertifikat_til_etter_fra"
            ),
        ),
        migrations.AddIndex(
            model_name="revisjon",
            index=models.Index(fields=["leverandor", "status"], name="quality_rev_leveran_f5da78_idx"),
        ),
        migrations.AddIndex(
            model_name="revisjon",
            index=models.Index(fields=["enhet", "status"], name="quality_rev_enhet_i_d1a53e_idx"),
        ),
    ]
