from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('designer', '0005_execution_unmocked'),
    ]

    operations = [
        migrations.AddField(
            model_name='execution',
            name='ended_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='execution',
            name='redrives',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
