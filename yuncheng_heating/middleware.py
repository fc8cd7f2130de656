from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office PC with an
    English browser would get English pages. Here the language is the user's explicit choice
    (the cookie set by the language switcher) and zh-hans otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


class RejectNulMiddleware:
    """Refuse a NUL character in a query string or a form/JSON body with a 400.

    PostgreSQL cannot store or compare text containing NUL and raises on it, which would surface as
    a 500 wherever such a value reaches a query; no field of this application has a use for it.
    Uploaded files (multipart) are left alone: an .xlsx is binary.
    """

    BODY_TYPES = ("application/json", "application/x-www-form-urlencoded")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("请求中含有无效字符（NUL），请检查输入。")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            return True
        if request.content_type in self.BODY_TYPES:
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
