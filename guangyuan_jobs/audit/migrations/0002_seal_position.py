from django.db import migrations, models


class Migration(migrations.Migration):
    """The chain's own order. No seal rows exist before this migration (nothing sealed yet), so the new
    column needs no backfill."""

    dependencies = [
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditseal',
            options={'ordering': ['position']},
        ),
        migrations.AddField(
            model_name='auditseal',
            name='position',
            field=models.BigIntegerField(default=0, unique=True),
            preserve_default=False,
        ),
    ]
