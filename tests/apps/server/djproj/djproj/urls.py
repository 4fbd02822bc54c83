from django.urls import path

from . import views

urlpatterns = [
    path("hello/", views.hello),
    path("form/", views.form),
    path("protected/", views.protected),
    path("old/", views.old),
]
