"""Monthly subsidies paid month by month in the payment batches: a batch item may carry one month (instalment)
of a case; the database refuses a month in two live batches (a paid item counts as live), and a whole payment
order in two live batches as before (items without a month).

Also seeds the statutory retirement ages the social-insurance subsidy's run to retirement needs (DOMAIN.md §6.1):
60 for men and 50 for women (female workers; 55 for female cadres), the ages in force before the gradual
increase decided on 2024-09-13 (全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》, from 2025-01-01,
which sets the age by birth month). Secondary and to be signed off: from 2025 the age depends on the birth
month and, for women, on the post, which one number per sex cannot say; an administrator enters the values
(or a later rule) when the local practice is settled. Seeded only when the key has no row.
"""

import datetime

import django.db.models.deletion
from django.db import migrations, models

REGION = "510800"
VALID_FROM = datetime.date(2017, 1, 1)
AGES = (
    ("sbbt.retirement_age.male", 60, "男职工法定退休年龄 60 周岁（2025 年起按出生年月渐进延迟至 63 周岁，须按新规另行录入）。"),
    ("sbbt.retirement_age.female", 50, "女工人法定退休年龄 50 周岁（女干部 55 周岁；2025 年起渐进延迟，须按新规另行录入）。"),
)


def seed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    for key, value, note in AGES:
        if PolicyParameter.objects.filter(key=key).exists():
            continue
        PolicyParameter.objects.create(key=key, value=value, value_type="integer", unit="years", region_id=REGION,
                                       valid_from=VALID_FROM, confidence="secondary", note=note)


def unseed(apps, schema_editor):
    PolicyParameter = apps.get_model("policy", "PolicyParameter")
    PolicyParameter.objects.filter(key__in=[key for key, _v, _n in AGES], region_id=REGION, valid_from=VALID_FROM,
                                   created_by=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('casework', '0003_seed_casework_parameters'),
        ('subsidies', '0007_benefit_period_no_overlap'),
        ('policy', '0004_seed_calendar'),
        ('registry', '0002_seed_regions'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='paymentbatchitem',
            name='payment_in_one_live_batch',
        ),
        migrations.AddField(
            model_name='paymentbatchitem',
            name='instalment',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='batch_items', to='subsidies.subsidyinstalment', verbose_name='month'),
        ),
        migrations.AddConstraint(
            model_name='paymentbatchitem',
            constraint=models.UniqueConstraint(condition=models.Q(('instalment__isnull', True), models.Q(('status__in', ['failed', 'removed']), _negated=True)), fields=('payment',), name='payment_in_one_live_batch'),
        ),
        migrations.AddConstraint(
            model_name='paymentbatchitem',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['failed', 'removed']), _negated=True), fields=('instalment',), name='instalment_in_one_live_batch'),
        ),
        migrations.RunPython(seed, unseed),
    ]
