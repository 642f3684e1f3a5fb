from django.urls import path

from partners import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="partnership-home"),
    path("partners/", views.MemberListView.as_view(), name="member-list"),
    path("partners/add/", views.MemberAddView.as_view(), name="member-add"),
    path("partners/<int:member_id>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("partners/<int:member_id>/change/", views.MemberEditView.as_view(), name="member-edit"),
    path("partners/designated/add/", views.DesignationAddView.as_view(), name="designation-add"),
    path(
        "partners/designated/<int:designation_id>/remove/",
        views.DesignationRemoveView.as_view(),
        name="designation-remove",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/add/", views.PersonAddView.as_view(), name="person-add"),
    path(
        "people/invitations/<int:invitation_id>/resend/", views.InvitationActionView.as_view(), name="invitation-resend"
    ),
    path(
        "people/invitations/<int:invitation_id>/withdraw/",
        views.InvitationWithdrawView.as_view(),
        name="invitation-withdraw",
    ),
    path("people/<int:membership_id>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:membership_id>/change/", views.PersonEditView.as_view(), name="person-edit"),
    path("people/<int:membership_id>/deactivate/", views.PersonDeactivateView.as_view(), name="person-deactivate"),
    path("people/<int:membership_id>/reactivate/", views.PersonReactivateView.as_view(), name="person-reactivate"),
    path(
        "people/<int:membership_id>/second-factor/reset/",
        views.PersonSecondFactorResetView.as_view(),
        name="person-second-factor-reset",
    ),
    path("people/<int:membership_id>/unlock/", views.PersonUnlockView.as_view(), name="person-unlock"),
    path("api-tokens/", views.ApiTokenListView.as_view(), name="system-token-list"),
    path("api-tokens/issue/", views.ApiTokenIssueView.as_view(), name="system-token-issue"),
    path("api-tokens/revoke/", views.ApiTokenRevokeView.as_view(), name="system-token-revoke"),
    path("offices/", views.OfficesView.as_view(), name="offices"),
    *[
        path(f"offices/{kind}/change/", views.OfficeEditView.as_view(), {"kind": kind}, name=f"office-{kind}-edit")
        for kind in ("chair", "scrutineer")
    ],
    path("signing/", views.SigningPolicyView.as_view(), name="signing-policy"),
    path("signing/change/", views.SigningPolicyEditView.as_view(), name="signing-policy-edit"),
    path("governance/", views.GroupListView.as_view(), name="group-list"),
    path("governance/<int:group_id>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("governance/<int:group_id>/add-member/", views.GroupMemberAddView.as_view(), name="group-member-add"),
    path(
        "governance/seats/<int:group_member_id>/remove/",
        views.GroupMemberRemoveView.as_view(),
        name="group-member-remove",
    ),
]
