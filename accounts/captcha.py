"""The CAPTCHA that an address past its failure threshold must solve (django-simple-captcha).

A county office's clerks may share one NAT address: locking that address would let anyone lock them
all out. Past ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` failures, logins from the address need a CAPTCHA
drawn by this server (``/captcha/image/<key>/``; no outside service) instead, so guessing passwords
from there needs a person per try. Each account's own lock (``AXES_FAILURE_LIMIT``) stays.
The check sits in the first authentication backend, so every door (login page, token endpoint,
admin, which sends its login to the login page) applies it.
"""

from __future__ import annotations

from captcha.models import CaptchaStore
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.network import client_ip

# Bounded input: a key is a 40-character hex digest, an answer a few letters.
KEY_MAX = 64
ANSWER_MAX = 32


def address_needs_captcha(request) -> bool:
    """True once the client address has reached its failure threshold within the cool-off time."""
    from django.conf import settings

    from accounts.lockout import recent_attempts

    if request is None:
        return False
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    failures = recent_attempts(request).filter(ip_address=address).aggregate(n=Sum("failures_since_start"))["n"]
    return (failures or 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def captcha_new() -> dict:
    """A fresh challenge: its key (sent back with the answer) and the address of its image."""
    key = CaptchaStore.generate_key()
    return {"key": key, "image_url": reverse("captcha-image", kwargs={"key": key})}


def captcha_passes(*, key, answer) -> bool:
    """The answer matches an unexpired challenge; a challenge is used once, right or wrong."""
    key = str(key or "")[:KEY_MAX]
    answer = str(answer or "").strip().lower()[:ANSWER_MAX]
    if not key or not answer:
        return False
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None:
        return False
    store.delete()
    return store.response == answer
