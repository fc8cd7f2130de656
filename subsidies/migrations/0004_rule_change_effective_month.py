"""A rate change applies from a month of the plan and says why.

Existing changes applied to the whole plan (every household at the new rate), so they take the plan's
first month, which keeps today's figures; a change recorded without a reason gets a note saying so.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_effective_from(apps, schema_editor):
    change_model = apps.get_model("subsidies", "SubsidyRuleChange")
    for change in change_model.objects.select_related("rule__plan"):
        change.effective_from = change.rule.plan.document_date.strftime("%Y-%m")
        if not (change.reason or "").strip():
            change.reason = "（修改时未填写原因）"
        change.save(update_fields=["effective_from", "reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0003_voiding"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="subsidyrulechange",
            name="effective_from",
            field=models.CharField(
                default="", help_text="YYYY-MM，方案报送期内的月份", max_length=7, verbose_name="生效月份"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_effective_from, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subsidyrulechange",
            name="reason",
            field=models.TextField(verbose_name="修改原因"),
        ),
        migrations.AlterField(
            model_name="subsidyrulechange",
            name="changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="修改人",
            ),
        ),
    ]
