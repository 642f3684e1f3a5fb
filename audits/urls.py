"""The audits app's pages, each subdomain's urls.py in turn (included by lscp/urls.py)."""

from audits.annual_report.urls import urlpatterns as annual_report
from audits.challenges.urls import urlpatterns as challenges
from audits.dashboard.urls import urlpatterns as dashboard
from audits.dataset.urls import urlpatterns as dataset
from audits.programme.urls import urlpatterns as programme
from audits.self_assessment.urls import urlpatterns as self_assessment

urlpatterns = [*dashboard, *programme, *self_assessment, *dataset, *challenges, *annual_report]
