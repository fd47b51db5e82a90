import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('subsidies', '0003_payment_batch_workflow'),
    ]

    operations = [
        migrations.AddField(
            model_name='objection',
            name='lodged_ip',
            field=models.GenericIPAddressField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='rosterimport',
            name='preview_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='subsidies.rosterimport'),
        ),
        migrations.AddField(
            model_name='rosterimport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='objection',
            index=models.Index(fields=['case', 'status'], name='objection_case_status_idx'),
        ),
        migrations.AddIndex(
            model_name='objection',
            index=models.Index(fields=['lodged_ip', 'lodged_at'], name='objection_ip_time_idx'),
        ),
    ]
