"""Page-number pagination that refuses a malformed ``page`` (400) instead of reading it as a missing page.

DRF answers ``?page=true`` or ``?page=0`` with a 404 "Invalid page"; a client generator reads that as
"no such resource". Here a page that is not a positive integer is invalid input (400); a page past
the end stays a 404.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE = re.compile(r"[1-9][0-9]{0,8}")


class StrictPageNumberPagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not PAGE.fullmatch(raw):
            raise ValidationError({self.page_query_param: [_("page 应为正整数。")]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 999999999}
        return parameters
