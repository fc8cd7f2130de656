"""The security audit log (安全审计日志): an append-only record of who did what from where.

Rows are written once and never changed. The application offers no way to edit or delete one: the
model refuses updates and deletes, the admin is read-only, and on both databases a trigger refuses
UPDATE of any row and DELETE of a row younger than the minimum retention (180 days, 等保 2.0).
Only ``prune_security_log`` deletes, and only older rows.
"""

from axes.models import AccessAttempt
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 等保 2.0 asks for at least six months; the retention setting can only make it longer.
MIN_RETENTION_DAYS = 180


class EventKind(models.TextChoices):
    LOGIN_OK = "login_ok", _("登录成功")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    SESSION_EXPIRED = "session_expired", _("会话超时退出")
    LOCKOUT = "lockout", _("账号锁定")
    UNLOCK = "unlock", _("解除锁定")
    CAPTCHA_REFUSED = "captcha_refused", _("验证码未通过")
    TOKEN_CREATED = "token_created", _("创建接口令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销接口令牌")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    PERMISSION_DENIED = "permission_denied", _("接口拒绝访问（403）")
    OUT_OF_SCOPE = "out_of_scope", _("接口超出范围访问（404）")
    WHOLE_ID_VIEW = "whole_id_view", _("查看完整身份证号")
    WHOLE_ID_EXPORT = "whole_id_export", _("导出完整身份证号")
    USER_CHANGED = "user_changed", _("用户或角色变更")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("security log entries cannot be changed")

    def delete(self):
        raise PermissionError("security log entries are deleted only by prune_security_log")

    def _prune_older_than(self, cutoff):
        """Delete entries older than ``cutoff`` (used by ``security_log_prune`` only)."""
        return models.QuerySet.delete(self.filter(at__lt=cutoff))


class SecurityEvent(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件"), max_length=32, choices=EventKind.choices, db_index=True)
    # Plain values, no foreign key: deleting or renaming a user must not touch the log.
    user_id = models.BigIntegerField(_("用户编号"), null=True, blank=True)
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=255, blank=True)
    method = models.CharField(_("请求方法"), max_length=8, blank=True)
    path = models.CharField(_("请求路径"), max_length=255, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("安全审计日志")
        verbose_name_plural = _("安全审计日志")
        indexes = [models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("security log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("security log entries are deleted only by prune_security_log")


class LoginFailure(AccessAttempt):
    """axes' failure counts, under this app's name in the admin (where the administrator unlocks)."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
