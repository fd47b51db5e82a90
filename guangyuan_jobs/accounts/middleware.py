class SessionLimitsMiddleware:
    """Placeholder replaced by the accounts work: absolute session lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class StaffSecondFactorMiddleware(SessionLimitsMiddleware):
    """Placeholder replaced by the accounts work: staff must pass TOTP outside the demo."""
