from captcha.views import captcha_image
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from accounts import views
from accounts.forms import LoginForm

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/locks/", views.lock_list, name="lock-list"),
    path("accounts/locks/release/", views.lock_release, name="lock-release"),
    # One login door with the CAPTCHA and the lock messages: the admin's sign-in goes to it.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin-login"),
    # Only the image: no audio (it needs a speech program on the server) and no script-driven refresh.
    path("captcha/image/<str:key>/", captcha_image, {"scale": 1}, name="captcha-image"),
    # The admin's own password form would skip revoking tokens: use the application's.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password-change"), name="admin-password-change"),
]
