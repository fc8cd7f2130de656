# Page routes; included from yuncheng_heating/urls.py.
urlpatterns = []
