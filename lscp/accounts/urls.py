from django.urls import path

from lscp.accounts import views

urlpatterns = [
    path("accounts/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("accounts/api-tokens/", views.ApiTokensView.as_view(), name="account-tokens"),
    path("accounts/invitation/<str:token>/", views.InvitationView.as_view(), name="invitation-accept"),
    path("accounts/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
]
