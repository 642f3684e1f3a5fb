"""Every model of the reviews app, by subdomain (app label "reviews"; the model names stay):
notifications/, rapid_review/, lcspr/ and action_plans/ each declare their own in models.py."""

from reviews.action_plans.models import *  # noqa: F403
from reviews.lcspr.models import *  # noqa: F403
from reviews.notifications.models import *  # noqa: F403
from reviews.rapid_review.models import *  # noqa: F403
