from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

# Room for the multipart boundaries, part headers and the small form fields sent beside the file.
UPLOAD_REQUEST_ALLOWANCE = 256 * 1024


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


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body exceeds the upload limit with a 413, before reading it.

    Without this, Django reads (and spools to disk) a 100 MB upload in full before the import code
    sees that it is too large. The body is never touched here (the servers close a connection whose
    body was left unread, so the client stops sending). A front-end proxy should refuse it even earlier
    (nginx ``client_max_body_size``, see README).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django refuses a malformed length itself
        limit = settings.FILE_UPLOAD_MAX_BYTES + UPLOAD_REQUEST_ALLOWANCE
        if "/inspections/visits/" in request.path or "/rectifications/" in request.path:
            # A field visit carries up to INSPECTION_PHOTOS_PER_VISIT photos of INSPECTION_PHOTO_MAX_BYTES each.
            photos = settings.INSPECTION_PHOTOS_PER_VISIT * settings.INSPECTION_PHOTO_MAX_BYTES
            limit = max(limit, photos + UPLOAD_REQUEST_ALLOWANCE)
        if length <= limit:
            return self.get_response(request)
        megabytes = settings.FILE_UPLOAD_MAX_BYTES // 1024 // 1024
        message = _("上传内容过大（%(size).1f MB），上限为 %(limit)d MB。请拆分后分批上传。") % {
            "size": length / 1024 / 1024,
            "limit": megabytes,
        }
        if request.path.startswith("/api/"):
            response = JsonResponse({"code": "file_too_large", "detail": message}, status=413)
        else:
            html = render_to_string("413.html", {"message": message, "limit": megabytes}, request=None)
            response = HttpResponse(html, status=413)
        return response


class ConflictPageMiddleware:
    """A page whose write a service refused with ``ConflictError`` (a closed year, a stale version)
    answers 409 with the service's Chinese message instead of a 500; the API has its own handler."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from core.api import ConflictError

        if not isinstance(exception, ConflictError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "409.html",
            {"message": exception.message, "back": request.META.get("HTTP_REFERER", "")},
            status=409,
        )
