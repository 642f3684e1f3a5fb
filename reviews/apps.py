from importlib import import_module

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Notifications and reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lscp import documents
        from reviews.action_plans.permissions import ActionPolicy
        from reviews.lcspr.permissions import LcsprPolicy
        from reviews.notifications.permissions import NotificationPolicy
        from reviews.rapid_review.permissions import InformationRequestPolicy

        # Each subdomain's clocks, registered in the order pages and the API list them.
        for subdomain in ("notifications", "rapid_review", "lcspr", "action_plans"):
            import_module(f"reviews.{subdomain}.clocks")

        # Who may download a document is who may read the record it is attached to.
        documents.register("reviews.Notification", NotificationPolicy, "view_details")
        documents.register("reviews.InformationRequest", InformationRequestPolicy, "view")
        documents.register("reviews.Lcspr", LcsprPolicy, "read_reports")
        # Evidence on an action is for those who may see the action.
        documents.register("reviews.Action", ActionPolicy, "view")
