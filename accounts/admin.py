"""Admin: the security log (read-only, filters, xlsx export), login locks (unlock), and users and
roles whose every change is written to the security log."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.admin_logging import SecurityLoggedAdminMixin
from accounts.models import LoginFailure, SecurityEvent
from core.admin_tools import ReadOnlyAdmin
from core.exports import Column, Sheet, xlsx_response
from counties.models import Profile


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "ip_address", "method", "path")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip_address", "path")
    date_hierarchy = "at"
    actions = ["export_xlsx"]
    list_per_page = 100

    @admin.action(description=_("导出所选日志（xlsx）"))
    def export_xlsx(self, request, queryset):
        columns = [
            Column(gettext("时间"), "datetime", 18),
            Column(gettext("事件"), "text", 18),
            Column(gettext("用户名"), "text", 16),
            Column(gettext("来源地址"), "text", 16),
            Column(gettext("请求方法"), "text", 8),
            Column(gettext("请求路径"), "text", 36),
            Column(gettext("浏览器标识"), "text", 36),
            Column(gettext("详情"), "text", 60),
        ]
        rows = (
            (
                e.at,
                e.get_kind_display(),
                e.username,
                e.ip_address or "",
                e.method,
                e.path,
                e.user_agent,
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
            )
            for e in queryset.order_by("at", "pk").iterator()
        )
        sheet = Sheet(name=gettext("安全审计日志"), columns=columns, rows=rows, title=gettext("安全审计日志"))
        return xlsx_response(filename=f"安全审计日志-{timezone.localdate():%Y%m%d}.xlsx", sheets=[sheet])

    def get_actions(self, request):
        # keep the export although deleting is not allowed
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ("login_username", "login_address", "failures", "last_attempt", "door")
    search_fields = ("username", "ip_address")
    actions = ["release"]

    @admin.display(description=_("用户名"), ordering="username")
    def login_username(self, obj):
        return obj.username

    @admin.display(description=_("来源地址"), ordering="ip_address")
    def login_address(self, obj):
        return obj.ip_address

    @admin.display(description=_("失败次数"), ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description=_("最近一次"), ordering="attempt_time")
    def last_attempt(self, obj):
        return obj.attempt_time

    @admin.display(description=_("请求路径"))
    def door(self, obj):
        return obj.path_info

    @admin.action(description=_("解除所选账号或地址的登录锁定"))
    def release(self, request, queryset):
        for attempt in queryset:
            services.lockout_release(
                actor=request.user,
                request=request,
                username=attempt.username or "",
                ip_address=attempt.ip_address or "",
            )
        self.message_user(request, gettext("已解除锁定。"), messages.SUCCESS)


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(SecurityLoggedAdminMixin, DjangoUserAdmin):
    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivated:
            services.user_deactivated(user=obj, request=request)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, admin.utils.unquote(id))
            services.user_password_changed(user=user, request=request, actor=request.user)
        return response


@admin.register(Group)
class GroupAdmin(SecurityLoggedAdminMixin, DjangoGroupAdmin):
    pass


@admin.register(Profile)
class ProfileAdmin(SecurityLoggedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "county", "department_name")
    list_select_related = ("user", "county")
    filter_horizontal = ("retrofit_types", "counties")
