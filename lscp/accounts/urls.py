from django.urls import path

from lscp.accounts import views

urlpatterns = [
    path("accounts/sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("accounts/sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("accounts/set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
]
