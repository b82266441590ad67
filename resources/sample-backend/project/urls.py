from django.urls import path

from backend import views

urlpatterns = [
    path('', views.index),
    path('slow', views.slow),
    path('status/<int:code>', views.status),
    path('health', views.health),
]
