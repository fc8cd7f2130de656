"""API token authentication: django-rest-knox (tokens stored as SHA-512 digests, expiring)."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox, with the refusal in Chinese: an unknown, expired or revoked token, or a deactivated user, is a 401."""

    message = _("令牌无效、已过期或已被吊销，请重新获取令牌。")

    def authenticate_credentials(self, token):
        try:
            return super().authenticate_credentials(token)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(self.message) from exc
