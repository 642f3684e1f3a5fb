from django.urls import path

from lscp.deadlines import views

urlpatterns = [
    path("deadlines/", views.DeadlinePolicyView.as_view(), name="deadline-policy"),
    path("deadlines/policy/", views.PolicyEditView.as_view(), name="deadline-policy-edit"),
    path("deadlines/escalation/", views.EscalationEditView.as_view(), name="deadline-escalation-edit"),
    path("deadlines/calendar/add/", views.CalendarOverrideAddView.as_view(), name="calendar-override-add"),
    path(
        "deadlines/calendar/<int:calendar_override_id>/remove/",
        views.CalendarOverrideRemoveView.as_view(),
        name="calendar-override-remove",
    ),
]
