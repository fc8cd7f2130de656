"""A ModelAdmin mixin: additions, changes and deletions of users, roles and profiles go into the security log."""

import json

from accounts import services


def _json_safe(value):
    return json.loads(json.dumps(value, default=str))


class SecurityLoggedAdminMixin:
    """Every addition, change and deletion made here goes into the security log as well."""

    def log_addition(self, request, obj, message):
        services.user_admin_change_record(request=request, obj=obj, action="added", message=_json_safe(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        services.user_admin_change_record(request=request, obj=obj, action="changed", message=_json_safe(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            services.user_admin_change_record(request=request, obj=obj, action="deleted")
        return super().log_deletions(request, queryset)
