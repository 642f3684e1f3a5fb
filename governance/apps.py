from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from governance import clocks  # noqa: F401  (registers the next-review clock)
        from governance.permissions import GovernanceDocumentPolicy
        from lscp import documents

        # A version's uploaded file is for whoever may read the register.
        documents.register("governance.DocumentVersion", GovernanceDocumentPolicy, "view")
