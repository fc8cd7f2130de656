"""API tokens used to be rest_framework.authtoken's, stored in clear. They no longer authenticate
(django-rest-knox replaced them); their table is dropped so that no cleartext token stays behind."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_security_log_append_only_trigger")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop)]
