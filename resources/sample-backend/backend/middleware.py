from django.core.signals import request_finished

from . import stats


def count_requests(get_response):
    """Counts requests for `served` (health checks excluded) and tracks those in flight.

    A request stays in flight until its response has been written: Django sends request_finished
    when the server closes the response, after its last byte went out. Ending it when the view
    returns instead would let a graceful stop (SIGTERM) exit in between and cut the response off.
    """

    def middleware(request):
        stats.begin(counted=request.path != '/health')
        try:
            return get_response(request)
        except BaseException:
            # No response, so no request_finished for this request.
            stats.end()
            raise

    return middleware


def _response_written(sender, **kwargs):
    stats.end()


request_finished.connect(_response_written, dispatch_uid='backend.middleware.response_written')
