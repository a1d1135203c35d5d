"""settings.REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's own handler, with the contract's envelope
as the body of NotAuthenticated and AuthenticationFailed (status and headers stay DRF's)."""
from rest_framework import exceptions
from rest_framework.views import exception_handler

ENVELOPE = {"error": {"type": "authentication_error", "code": None, "message": "Invalid API key"}}


def envelope_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)) and response is not None:
        response.data = ENVELOPE
    return response
