"""
The seed's `python manage.py runserver 0.0.0.0:8000`, adjusted for replicas in containers
without changing the Dockerfile's CMD:

- No autoreloader by default (DJANGO_AUTORELOAD=1 brings it back). The reloader runs the server
  in a forked child that polls every source file each second: `pid` would name the child while
  Docker signals the parent, and N idle replicas would burn CPU.
- SIGTERM (`docker stop`) is graceful: stop accepting, let in-flight requests finish (up to
  STOP_GRACE_SECONDS), then exit 0. Python running as PID 1 would otherwise ignore SIGTERM and
  Docker would SIGKILL it after the stop timeout.
"""

import os
import signal
import sys
import time

from django.core.management.commands.runserver import Command as RunserverCommand

from backend import stats


class Command(RunserverCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(use_reloader=os.environ.get('DJANGO_AUTORELOAD') == '1')

    def handle(self, *args, **options):
        signal.signal(signal.SIGTERM, _graceful_exit)
        super().handle(*args, **options)


def _graceful_exit(signum, frame):
    grace = float(os.environ.get('STOP_GRACE_SECONDS', '5'))
    deadline = time.monotonic() + grace
    pending = stats.in_flight()
    print(f'SIGTERM: finishing {pending} in-flight request(s), then exiting', file=sys.stderr)
    while stats.in_flight() > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    # Raised in the main thread, this ends serve_forever(); request threads are daemons.
    raise SystemExit(0)
