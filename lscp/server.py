"""What a web server process does once it has loaded the application, before its first request.

`ready_to_serve()` imports every view (the URLconf) and then moves every object start-up made into
the garbage collector's permanent generation (gc.freeze, as the CPython docs advise for servers). A
full collection otherwise walks all of them, about 180,000 objects, each time one runs: every few
requests, since each page leaves a few thousand objects in reference cycles (the ORM's rows and their
caches). On the national bench that was 90 to 120 ms a time, the API notifications' p95 at three
times its p50 (issue 15). lscp/wsgi.py calls it; so does `manage.py bench`, whose pages are timed in
a process of their own as a web server's."""

from __future__ import annotations

import gc


def ready_to_serve() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf, and with it every view)
    gc.collect()
    gc.freeze()
