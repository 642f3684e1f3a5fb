from django.apps import AppConfig


class LscpConfig(AppConfig):
    name = "lscp"
    verbose_name = "LSCP platform"
    default_auto_field = "django.db.models.BigAutoField"
