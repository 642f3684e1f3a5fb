from django.urls import path

from reviews.tracker import views

urlpatterns = [
    path("reviews/case-review-tracker/", views.TrackerView.as_view(), name="review-tracker"),
    path(
        "reviews/case-review-tracker/export.xlsx",
        views.TrackerExportView.as_view(kind="xlsx"),
        name="review-tracker-xlsx",
    ),
    path(
        "reviews/case-review-tracker/export.csv", views.TrackerExportView.as_view(kind="csv"), name="review-tracker-csv"
    ),
]
