from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits, self-assessments and scrutiny"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from audits.self_assessment import clocks  # noqa: F401  (registers the self-assessment return clock)
