"""Every periodic task, declared once. `manage.py setup_schedules` writes them into
django-celery-beat's tables, where administrators can change them in Django admin; running it
again leaves changed intervals alone and only adds what is missing."""

SCHEDULES = [
    # (name shown in admin, task, every N seconds)
    ("Deliver pending emails", "lscp.flush_outbox", 60),
    ("Clear expired sessions", "lscp.clear_expired_sessions", 24 * 60 * 60),
    # Steps fall due by the day; sweeping often only means an email is not hours late.
    ("Sweep deadlines and escalate", "lscp.sweep_deadlines", 10 * 60),
    # Retention (issue 13): disposal is by the year, so once a day is on time.
    ("Dispose of records due under the retention schedule", "lscp.dispose_due_records", 24 * 60 * 60),
]
