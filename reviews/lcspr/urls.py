from django.urls import path

from reviews.lcspr import views
from reviews.lcspr.permissions import LcsprPolicy
from reviews.notifications.views import CorrectionView

urlpatterns = [
    path("notifications/<int:notification_id>/lcspr/", views.LcsprDetailView.as_view(), name="lcspr-detail"),
    path(
        "notifications/<int:notification_id>/lcspr/corrections/",
        CorrectionView.as_view(kind="lcspr", policy=LcsprPolicy, detail_route="lcspr-detail"),
        name="lcspr-corrections",
    ),
    path("notifications/<int:notification_id>/lcspr/sign/", views.LcsprSignView.as_view(), name="lcspr-sign"),
    *[
        path(
            f"notifications/<int:notification_id>/lcspr/{step}/",
            views.LcsprFormView.as_view(),
            {"step": step},
            name=f"lcspr-{step}",
        )
        for step in ["commission", *views.STEPS]
    ],
]
