"""The challenge log's pages (included by audits/urls.py)."""

from django.urls import path

from audits.challenges import views

urlpatterns = [
    path("challenges/", views.ChallengeListView.as_view(), name="challenge-list"),
    path("challenges/add/", views.ChallengeAddView.as_view(), name="challenge-add"),
    path("challenges/<int:challenge_id>/", views.ChallengeDetailView.as_view(), name="challenge-detail"),
    path(
        "challenges/<int:challenge_id>/respond/",
        views.ChallengeRespondView.as_view(),
        name="challenge-respond",
    ),
]
