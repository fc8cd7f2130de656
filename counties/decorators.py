from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from counties.selectors import scope_for_user


def role_required(view):
    """Pages: anonymous → login page; a signed-in account without a role → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if scope_for_user(request.user).role is None:
            raise PermissionDenied(_("您的账号尚未分配角色，请联系系统管理员。"))
        return view(request, *args, **kwargs)

    return login_required(wrapper)
