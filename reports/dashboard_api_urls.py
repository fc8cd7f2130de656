# API routes of the dashboard and progress exports under /api/v1/; included from yuncheng_heating/urls.py.
urlpatterns = []
