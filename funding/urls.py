from django.urls import path, register_converter

from funding import views


class FinancialYearConverter:
    """A financial year's label in a URL: 2020-21."""

    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(FinancialYearConverter, "fy")

urlpatterns = [
    path("funding/", views.FundingHomeView.as_view(), name="funding-home"),
    path("funding/years/add/", views.YearAddView.as_view(), name="funding-year-add"),
    path("funding/years/<fy:year>/", views.YearDetailView.as_view(), name="funding-year"),
    path("funding/years/<fy:year>/export.xlsx", views.YearExportView.as_view(kind="xlsx"), name="funding-year-xlsx"),
    path("funding/years/<fy:year>/export.csv", views.YearExportView.as_view(kind="csv"), name="funding-year-csv"),
    path("funding/years/<fy:year>/report.pdf", views.YearExportView.as_view(kind="pdf"), name="funding-year-pdf"),
    path("funding/years/<fy:year>/planning/", views.PlanningView.as_view(), name="funding-planning"),
    path("funding/years/<fy:year>/budget/sign/", views.BudgetSignView.as_view(), name="funding-budget-sign"),
    path("funding/years/<fy:year>/budget/request/", views.BudgetRequestView.as_view(), name="funding-budget-request"),
    path(
        "funding/years/<fy:year>/contributions/add/",
        views.ContributionAddView.as_view(),
        name="funding-contribution-add",
    ),
    path(
        "funding/contributions/<int:contribution_id>/change/",
        views.ContributionChangeView.as_view(),
        name="funding-contribution-change",
    ),
    path(
        "funding/contributions/<int:contribution_id>/remove/",
        views.ContributionRemoveView.as_view(),
        name="funding-contribution-remove",
    ),
    path("funding/years/<fy:year>/income/add/", views.IncomeAddView.as_view(), name="funding-income-add"),
    path("funding/income/<int:income_id>/change/", views.IncomeChangeView.as_view(), name="funding-income-change"),
    path("funding/income/<int:income_id>/remove/", views.IncomeRemoveView.as_view(), name="funding-income-remove"),
    path("funding/years/<fy:year>/spending/add/", views.SpendingAddView.as_view(), name="funding-spending-add"),
    path(
        "funding/spending/<int:spending_id>/change/", views.SpendingChangeView.as_view(), name="funding-spending-change"
    ),
    path(
        "funding/spending/<int:spending_id>/remove/", views.SpendingRemoveView.as_view(), name="funding-spending-remove"
    ),
    path("funding/benchmarks/", views.BenchmarkListView.as_view(), name="funding-benchmarks"),
    path("funding/benchmarks/add/", views.BenchmarkAddView.as_view(), name="funding-benchmark-add"),
    path("funding/benchmarks/upload/", views.BenchmarkUploadView.as_view(), name="funding-benchmark-upload"),
    path("funding/benchmarks/export.xlsx", views.BenchmarkExportView.as_view(), name="funding-benchmark-export"),
    path(
        "funding/benchmarks/<int:benchmark_id>/change/",
        views.BenchmarkChangeView.as_view(),
        name="funding-benchmark-change",
    ),
    path(
        "funding/benchmarks/<int:benchmark_id>/remove/",
        views.BenchmarkRemoveView.as_view(),
        name="funding-benchmark-remove",
    ),
    path("funding/comparison/", views.ComparisonView.as_view(), name="funding-comparison"),
]
