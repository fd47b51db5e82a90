from guangyuan_jobs.audit.context import current_source_ip


def client_ip(request) -> str | None:
    # Behind a proxy, django-axes' ipware setting (PROXY_COUNT) decides; here REMOTE_ADDR is the peer.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_source_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_source_ip.reset(token)
