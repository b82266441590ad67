import os
import socket
import time

from django.http import HttpResponse, JsonResponse

from . import stats

REPLICA_NAME = os.environ.get('REPLICA_NAME', socket.gethostname())
MAX_SLOW_MS = 120_000


def describe(request):
    """Who answered, and what the proxy in front of us sent."""
    meta = request.META
    return {
        'backend': REPLICA_NAME,
        'hostname': socket.gethostname(),
        'pid': os.getpid(),
        'served': stats.served(),
        'method': request.method,
        'path': request.get_full_path(),
        'remote_addr': meta.get('REMOTE_ADDR'),
        'headers': {
            'host': meta.get('HTTP_HOST'),
            'x_real_ip': meta.get('HTTP_X_REAL_IP'),
            'x_forwarded_for': meta.get('HTTP_X_FORWARDED_FOR'),
            'x_forwarded_proto': meta.get('HTTP_X_FORWARDED_PROTO'),
            'x_forwarded_host': meta.get('HTTP_X_FORWARDED_HOST'),
        },
    }


def index(request):
    return JsonResponse(describe(request))


def slow(request):
    try:
        ms = int(request.GET.get('ms', '1000'))
    except ValueError:
        return JsonResponse({'error': 'ms must be an integer'}, status=400)
    ms = max(0, min(ms, MAX_SLOW_MS))
    time.sleep(ms / 1000)
    return JsonResponse({**describe(request), 'slept_ms': ms})


def status(request, code):
    if not 200 <= code <= 599:
        return JsonResponse({'error': 'status must be 200-599'}, status=400)
    if code in (204, 304):
        return HttpResponse(status=code)
    return JsonResponse({**describe(request), 'status': code}, status=code)


def health(request):
    return JsonResponse({'status': 'ok', 'backend': REPLICA_NAME})
