from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from accounts import views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/locks/", views.lock_list, name="lock-list"),
    path("accounts/locks/release/", views.lock_release, name="lock-release"),
    # The admin's own password form would skip revoking tokens: use the application's.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password-change"), name="admin-password-change"),
]
