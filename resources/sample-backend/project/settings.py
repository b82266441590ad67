"""Settings for the lab's sample backend: one stateless JSON service, no database."""

import os

SECRET_KEY = os.environ.get('DJANGO_SECRET_KEY', 'upstream-lab-sample-backend-not-a-secret')
DEBUG = False
# Requests arrive through the balancer with whatever Host the client used.
ALLOWED_HOSTS = ['*']

# `backend` holds the views and the runserver override (no autoreloader, graceful SIGTERM).
INSTALLED_APPS = ['backend']
MIDDLEWARE = [
    'backend.middleware.count_requests',
    # Sets Content-Length, which runserver needs to keep HTTP/1.1 connections alive.
    'django.middleware.common.CommonMiddleware',
]
ROOT_URLCONF = 'project.urls'
WSGI_APPLICATION = 'project.wsgi.application'

DATABASES = {}
USE_TZ = True
TIME_ZONE = 'UTC'
