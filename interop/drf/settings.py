"""Django settings for the DRF stack: production-like (DEBUG off), no database, DRF's defaults
except the two settings its authentication docs tell you to set (DEFAULT_AUTHENTICATION_CLASSES,
DEFAULT_PERMISSION_CLASSES) and an EXCEPTION_HANDLER (envelope.py) that renders the contract's
envelope. The browsable API renderer stays on, as it is by default."""
import os

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "interop-only-not-a-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.staticfiles",
    "rest_framework",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
}]
DATABASES = {}
STATIC_URL = "/static/"
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["authentication.BearerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "envelope.envelope_exception_handler",
}
