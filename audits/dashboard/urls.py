"""The dashboard's page (included by audits/urls.py)."""

from django.urls import path

from audits.dashboard import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/late/", views.LateClocksView.as_view(), name="dashboard-late"),
]
