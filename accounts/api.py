"""Token endpoints. Follows core/api.py: writes through services, one error shape."""

from __future__ import annotations

from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.captcha import captcha_new
from accounts.serializers import RevokedSerializer, TokenRequestSerializer, TokenSerializer


class TokenObtainView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Get an API token (expires; see README)",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description="Wrong user name or password: {code: invalid, detail, errors}"),
            429: OpenApiResponse(
                description="Locked after repeated failures: {code: locked, detail, retry_after}; or, from an "
                "address past its failure threshold, {code: captcha_required, detail, captcha: {key, image_url}}"
            ),
        },
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request: axes counts failures and locks on it; its middleware turns a lock into 429.
        user = authenticate(request._request, **serializer.validated_data)
        if user is None and getattr(request._request, "captcha_refused", False):
            # Not a lock: this address must prove a person is signing in (accounts/captcha.py).
            return Response(
                {
                    "code": "captcha_required",
                    "detail": _("本机所在地址登录失败次数较多，请输入图中的验证码后重试。"),
                    "captcha": captcha_new(),
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            raise ValidationError({"non_field_errors": [_("用户名或密码不正确。")]})
        # What a login does: update last_login, reset axes' failure count, record the login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        instance, token = services.token_create(user=user, request=request)
        return Response({"token": token, "expiry": instance.expiry})


class LogoutView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Revoke the token you present (or end the browser session)", request=None, responses={204: None}
    )
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            services.token_revoke(token=request.auth, request=request)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Revoke all of your API tokens", request=None, responses={200: RevokedSerializer})
    def post(self, request):
        revoked = services.tokens_revoke_all(user=request.user, request=request, reason="logout_all")
        return Response({"revoked": revoked})
