"""Who may see and do what with action plans and their actions.

- The business unit runs the plans: creates them, writes recommendations and actions, records
  ratification, imports and exports, accepts or returns completions.
- Statutory partners' LSPs and DSPs and scrutineers read every plan (plans are reported to the
  partnership's boards and to Overview and Scrutiny) and its reports; they change nothing, except
  that an LSP or DSP named as an action's owner person updates that action.
- Agency leads see and update only the actions owned by their organisation (a django-guardian
  grant to the member organisation's group, kept by the services when an owner is set or changed):
  "our actions" across all plans. Another organisation's action is a 404 to them.
"""

from lscp.permissions import Policy, granted, has_grant
from lscp.roles import BUSINESS_UNIT, EVERYONE, Role
from reviews.action_plans.models import Action

OWNER_PERM = "reviews.change_action"

READERS = frozenset({Role.BUSINESS_UNIT, Role.LSP, Role.DSP, Role.SCRUTINEER})


class ActionPlanPolicy(Policy):
    resource = "action plan"
    rules = {
        "view": READERS,  # plans, their pages, exports and the progress report
        "manage": BUSINESS_UNIT,  # create, import, recommendations, actions, ratification, close
    }


class ActionPolicy(Policy):
    resource = "action"
    rules = {
        "view": EVERYONE,  # narrowed for agency leads to their organisation's actions
        "view_own": frozenset({Role.AGENCY_LEAD}),  # the "Our actions" menu item
        # progress, evidence, marking complete: the owner organisation's agency leads, the owner
        # person if an LSP or DSP, and the business unit
        "update": frozenset({Role.BUSINESS_UNIT, Role.AGENCY_LEAD, Role.LSP, Role.DSP}),
        "manage": BUSINESS_UNIT,  # what, owner, due date; accept or return a completion
    }

    @classmethod
    def filter(cls, ctx, queryset):
        if ctx.role == Role.AGENCY_LEAD:
            return granted(ctx, queryset, OWNER_PERM)
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        if ctx.role == Role.AGENCY_LEAD:
            return has_grant(ctx, obj, OWNER_PERM)
        return True

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        if permission == "update" and ctx.role in (Role.LSP, Role.DSP):
            return ctx.membership is not None and obj.owner_id == ctx.membership.pk
        return True


class ProgressUpdatePolicy(ActionPolicy):
    """A progress update is seen by whoever may see its action, and added by whoever may update it."""

    resource = "progress update"

    @classmethod
    def filter(cls, ctx, queryset):
        if ctx.role == Role.AGENCY_LEAD:
            visible = ActionPolicy.filter(ctx, Action.objects.for_partnership(ctx.partnership))
            return queryset.filter(action__in=visible.values("pk"))
        return queryset

    @classmethod
    def can_see(cls, ctx, obj) -> bool:
        return ActionPolicy.can_see(ctx, obj.action)

    @classmethod
    def object_allows(cls, ctx, permission: str, obj) -> bool:
        return ActionPolicy.object_allows(ctx, permission, obj.action)
