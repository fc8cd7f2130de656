from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    captcha_key = serializers.CharField(
        max_length=64, required=False, help_text="with captcha_answer, once a 429 `captcha_required` asked for it"
    )
    captcha_answer = serializers.CharField(max_length=32, required=False, help_text="the letters in the image")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")
    expiry = serializers.DateTimeField(help_text="when the token stops working")


class RevokedSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(help_text="how many tokens were revoked")


class CaptchaSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="send back as captcha_key")
    image_url = serializers.CharField(help_text="the image to show the person signing in (PNG)")
