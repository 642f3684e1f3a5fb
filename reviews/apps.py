from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Notifications and reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lscp import documents
        from reviews import clocks  # noqa: F401  (registers the statutory clocks)
        from reviews.action_plans import clocks as action_clocks  # noqa: F401  (registers action due dates)
        from reviews.action_plans.permissions import ActionPolicy
        from reviews.permissions import InformationRequestPolicy, LcsprPolicy, NotificationPolicy

        # Who may download a document is who may read the record it is attached to.
        documents.register("reviews.Notification", NotificationPolicy, "view_details")
        documents.register("reviews.InformationRequest", InformationRequestPolicy, "view")
        documents.register("reviews.Lcspr", LcsprPolicy, "read_reports")
        # Evidence on an action is for those who may see the action.
        documents.register("reviews.Action", ActionPolicy, "view")
