"""The multi-agency dataset's pages (included by audits/urls.py)."""

from django.urls import path

from audits.dataset import views

urlpatterns = [
    path("dataset/", views.DatasetView.as_view(), name="dataset"),
    path("dataset/add/", views.IndicatorAddView.as_view(), name="indicator-add"),
    path("dataset/upload/", views.DatasetUploadView.as_view(), name="dataset-upload"),
    path("dataset/dataset.xlsx", views.DatasetSpreadsheetView.as_view(), name="dataset-spreadsheet"),
    path("dataset/<int:indicator_id>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("dataset/<int:indicator_id>/change/", views.IndicatorEditView.as_view(), name="indicator-edit"),
    path("dataset/<int:indicator_id>/values/add/", views.ValueAddView.as_view(), name="indicator-value-add"),
    path(
        "dataset/values/<int:indicator_value_id>/change/",
        views.ValueChangeView.as_view(),
        name="indicator-value-edit",
    ),
]
