"""Funding in Django admin: the administrator's cross-tenant view, read-only. Figures are
changed by the business unit through the services (which validate and log them)."""

from django.contrib import admin

from funding.models import Benchmark, Contribution, FinancialYear, Income, SpendingLine
from lscp.admin import TenantAdmin


class ReadOnlyTenantAdmin(TenantAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContributionInline(admin.TabularInline):
    model = Contribution
    fields = ["member", "agreed", "invoiced_on", "invoiced", "received_on", "received", "notes"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FinancialYear)
class FinancialYearAdmin(ReadOnlyTenantAdmin):
    list_display = ["label", "partnership"]
    list_filter = ["partnership"]
    list_select_related = ["partnership"]
    inlines = [ContributionInline]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyTenantAdmin):
    list_display = ["member", "year", "partnership", "agreed", "invoiced", "received"]
    list_filter = ["partnership"]
    list_select_related = ["member__organisation", "year", "partnership"]


@admin.register(Income)
class IncomeAdmin(ReadOnlyTenantAdmin):
    list_display = ["kind", "description", "year", "partnership", "amount"]
    list_filter = ["partnership", "kind"]
    list_select_related = ["year", "partnership"]


@admin.register(SpendingLine)
class SpendingLineAdmin(ReadOnlyTenantAdmin):
    list_display = ["kind", "description", "year", "partnership", "budget", "actual"]
    list_filter = ["partnership", "kind"]
    list_select_related = ["year", "partnership"]


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnlyTenantAdmin):
    list_display = ["name", "year", "partnership", "council", "health", "police", "other", "is_this_partnership"]
    list_filter = ["partnership", "year"]
    list_select_related = ["partnership"]
    search_fields = ["name"]
