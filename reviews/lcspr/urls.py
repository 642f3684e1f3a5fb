from django.urls import path

from reviews.lcspr import views

urlpatterns = [
    path("notifications/<int:notification_id>/lcspr/", views.LcsprDetailView.as_view(), name="lcspr-detail"),
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
