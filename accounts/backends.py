from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """axes' lock check, first in AUTHENTICATION_BACKENDS.

    Every door of the application (login page, admin login, token endpoint) authenticates with the
    request, and there the lock applies. A call without a request (the test client's ``login()``, a
    shell) has no client to count against, so it passes on to the password check instead of raising
    axes' "request required" error.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
