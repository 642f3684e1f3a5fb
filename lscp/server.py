"""What a web server process does once it has loaded the application, before its first request.

`ready_to_serve()` imports every view (the URLconf) and then moves every object start-up made into
the garbage collector's permanent generation (gc.freeze, as the CPython docs advise for servers). A
full collection otherwise walks all of them, about 180,000 objects, each time one runs: every few
requests, since each page leaves a few thousand objects in reference cycles (the ORM's rows and their
caches). On the national bench that was 90 to 120 ms a time, the API notifications' p95 at three
times its p50 (issue 15). lscp/wsgi.py calls it; so does `manage.py bench`, whose pages are timed in
a process of their own as a web server's.

It then has the oldest generation collected after every third collection of the middle one, not
every tenth (FULL_EVERY): those cycles are garbage from the moment their request ends, and with
the start-up objects frozen a full collection walks little more than them. Left to every tenth,
about twenty requests' worth piled up between collections: the API notifications' page leaves
some 2,600 objects in cycles a request, and a process serving it 200 times held 121 MiB against
115 MiB. Its time a request moved less than runs here vary (means of 200 requests on the national
bench, three runs each: 26.8-29.2 ms every tenth, 28.1-30.8 ms every third)."""

from __future__ import annotations

import gc

# The oldest generation's threshold (CPython's default is 10).
FULL_EVERY = 3


def ready_to_serve() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf, and with it every view)
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
