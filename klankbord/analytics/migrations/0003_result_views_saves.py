from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_audience_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="postresult",
            name="views",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="postresult",
            name="saves",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
    ]
