"""Hooks by which a lower layer tells higher ones what happened, without importing them."""

from django.dispatch import Signal

# An API request answered 403 or 404: ``request``, ``status``, ``detail`` (accounts logs it).
api_request_refused = Signal()
