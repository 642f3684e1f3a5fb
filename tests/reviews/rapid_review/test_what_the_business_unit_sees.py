"""Issue 14 §3: what the business unit sees is true. A partner's "returned with comments" is a
task for the business unit (the review's task list and the top of its home page); unanswered
requests are closed when the rapid review completes, or withdrawn with a reason; a step is
offered only when it can be recorded."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from reviews.rapid_review import services as rapid
from tests.support.makers_reviews import meeting, started

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def returned_by_police(world):
    notification = started(world)
    meeting(world, notification)
    rapid.send_for_sign_off(world.ctx(), notification)
    rapid.sign_off(world.ctx("council"), notification, decision="signed")
    rapid.sign_off(world.ctx("police"), notification, decision="returned", comments="Add the school's view")
    return notification


def test_a_returned_outcome_is_a_task_on_the_review_and_first_on_the_business_units_home(world_a, as_user):
    notification = returned_by_police(world_a)
    business = as_user(world_a.people["business"])
    review_page = text(business.get(reverse("rapid-review", args=[world_a.slug, notification.pk])).content.decode())
    assert "Essex Police: returned with comments (“Add the school's view”)" in review_page
    assert "Essex Police: not yet" not in review_page
    assert "1 of 3 signed" not in review_page
    assert "Returned with comments" in review_page
    assert "Change the outcome to answer the comments" in review_page

    home = business.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    first_section = re.search(r'<h3 class="govuk-heading-s">([^<]+)</h3>', home).group(1)
    assert first_section == "Returned with comments"
    assert f"The rapid review outcome of {notification.reference} was returned by Essex Police" in text(home)

    # Changing the outcome answers it (the return is withdrawn with the signatures).
    meeting(world_a, notification, learning="Learning, with the school's view added.")
    home = business.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert "was returned by" not in home


def test_a_return_the_partner_has_since_signed_over_is_no_longer_a_task(world_a, as_user):
    notification = returned_by_police(world_a)
    rapid.sign_off(world_a.ctx("police"), notification, decision="signed")
    business = as_user(world_a.people["business"])
    home = business.get(reverse("partnership-home", args=[world_a.slug])).content.decode()
    assert "was returned by" not in home
    review_page = text(business.get(reverse("rapid-review", args=[world_a.slug, notification.pk])).content.decode())
    assert "Essex Police: signed" in review_page and "2 of 3 signed" in review_page
