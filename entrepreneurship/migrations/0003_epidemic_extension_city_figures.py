"""The epidemic-policy extension of a loan, the cities' yearly loan figures for the report's rank, and the
parameter that keeps the subsidy over an epidemic-policy extension:

- cddk.covid.extension_subsidised: true from 2020-02-11 to 2020-12-31: a borrower hit by the epidemic may
  extend the loan (by up to `cddk.covid.extension_years_max`, 1 year) and the 贴息 continues for the extended
  period (DOMAIN.md §5.2, the 2020-02-11 press conference); a normal extension gets no subsidy
  (`cddk.interest.no_subsidy_if_extended`). The end date is an estimate (secondary), as for the years key.

Seeded only where no row for the key exists; the reverse removes only the row seeded here.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROW = ("cddk.covid.extension_subsidised", "boolean", True, "", None, "2020-02-11", "2020-12-31", "secondary",
       "感染新冠肺炎等受疫情影响的借款人可申请展期不超过 1 年，展期期间继续享受贴息（2020-02-11 国务院联防联控机制发布会）；"
       "普通展期不贴息。截止日按 2020 年末估计，须核实。")


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    key, value_type, value, unit, region, valid_from, valid_to, confidence, note = ROW
    if PolicyParameter.objects.filter(key=key).exists():
        return
    PolicyParameter.objects.create(key=key, value_type=value_type, value=value, unit=unit, region_id=region,
                                   valid_from=datetime.date.fromisoformat(valid_from),
                                   valid_to=datetime.date.fromisoformat(valid_to), confidence=confidence, note=note)


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key=ROW[0], region__isnull=True, valid_from=datetime.date.fromisoformat(ROW[5]),
                                   created_by=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('entrepreneurship', '0002_seed_loan_parameters'),
        ('policy', '0004_seed_calendar'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.AddField(
            model_name='loan',
            name='epidemic_extension',
            field=models.BooleanField(default=False, verbose_name='extended under the epidemic policy'),
        ),
        migrations.AddField(
            model_name='loan',
            name='extension_granted_on',
            field=models.DateField(blank=True, null=True, verbose_name='extension granted on'),
        ),
        migrations.CreateModel(
            name='CityLoanFigure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('city', models.CharField(max_length=32, verbose_name='city')),
                ('loans', models.PositiveIntegerField(verbose_name='loans')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='amount (yuan)')),
                ('source', models.CharField(max_length=300, verbose_name='source')),
                ('entered_at', models.DateTimeField(auto_now=True)),
                ('entered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'city loan figure',
                'verbose_name_plural': 'city loan figures',
                'ordering': ['-year', '-amount', 'city'],
                'constraints': [models.UniqueConstraint(fields=('year', 'city'), name='city_loan_figure_unique'), models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='city_loan_figure_amount_not_negative')],
            },
        ),
    ]
