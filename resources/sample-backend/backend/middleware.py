from . import stats


def count_requests(get_response):
    """Counts requests for `served` (health checks excluded) and tracks those in flight."""

    def middleware(request):
        stats.begin(counted=request.path != '/health')
        try:
            return get_response(request)
        finally:
            stats.end()

    return middleware
