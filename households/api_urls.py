# API routes under /api/v1/; included from yuncheng_heating/urls.py.
urlpatterns = []
