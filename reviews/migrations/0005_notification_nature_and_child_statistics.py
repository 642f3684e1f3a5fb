"""Notifications as the current DfE form and statistics have them: the incident's nature (carried
over from what was recorded: "died" is a death, "serious_harm" serious harm), other children
involved, a care leaver's death, and per child disability, plan, known to any agency, placement type,
care leaver and the local authority where the child lives. What was never asked is "not known"; a
child with organisations recorded as knowing them was known to an agency."""

import django.core.validators
from django.db import migrations, models


def carry_over(apps, schema_editor):
    Notification = apps.get_model("reviews", "Notification")
    Child = apps.get_model("reviews", "Child")
    Notification._base_manager.filter(nature="died").update(nature="death")
    Child._base_manager.filter(known_to__isnull=False).update(known_to_agency="yes")


def carry_back(apps, schema_editor):
    Notification = apps.get_model("reviews", "Notification")
    Notification._base_manager.filter(nature="death").update(nature="died")
    Notification._base_manager.filter(nature="other").update(nature="serious_harm")


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_submission_key_per_submitter")]

    operations = [
        migrations.RenameField("notification", "outcome", "nature"),
        migrations.AddField(
            model_name="child",
            name="care_leaver",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="child",
            name="disability",
            field=models.CharField(
                choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")], default="unknown", max_length=10
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="known_to_agency",
            field=models.CharField(
                choices=[("yes", "Yes"), ("no", "No"), ("unknown", "Not known")],
                default="unknown",
                max_length=10,
                verbose_name="known to any agency",
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="placement_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("foster", "Foster placement"),
                    ("kinship", "Placed with relatives or friends (kinship)"),
                    ("parents", "Placed with parents or a person with parental responsibility"),
                    ("childrens_home", "Children's home"),
                    ("semi_independent", "Semi-independent or supported accommodation"),
                    ("secure", "Secure unit or custody"),
                    ("adoption", "Placed for adoption"),
                    ("residential_school", "Residential school"),
                    ("other", "Other placement"),
                ],
                help_text="For a looked-after child",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="plan",
            field=models.CharField(
                choices=[
                    ("cp_plan", "A child protection plan"),
                    ("cin_plan", "A child in need plan"),
                    ("none", "Neither"),
                    ("unknown", "Not known"),
                ],
                default="unknown",
                max_length=10,
                verbose_name="child in need or child protection plan",
            ),
        ),
        migrations.AddField(
            model_name="child",
            name="resident_authority",
            field=models.CharField(
                blank=True,
                help_text="When it is not the notifying local authority",
                max_length=200,
                verbose_name="local authority where the child lives",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="other_children",
            field=models.TextField(
                blank=True,
                help_text="Beyond the 4 a notification records: what is known about them, without names",
                verbose_name="other children involved",
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="age_years",
            field=models.PositiveSmallIntegerField(
                help_text="Up to 17; up to 24 for a care leaver",
                validators=[django.core.validators.MaxValueValidator(24)],
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="criteria_decision",
            field=models.CharField(
                blank=True,
                choices=[
                    ("meets", "Meets the serious-incident criteria: notify the National Panel"),
                    ("lac_death", "A looked-after child's death: notify the Panel, the Secretary of State and Ofsted"),
                    ("care_leaver_death", "A care leaver's death: notify the Secretary of State and Ofsted"),
                    ("does_not_meet", "Does not meet the criteria: consider a local review"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="nature",
            field=models.CharField(
                choices=[("death", "Death"), ("serious_harm", "Serious harm"), ("other", "Other")],
                help_text="Other: for example, a child who harmed another child after being abused themselves",
                max_length=15,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("panel_notified", "Panel notified"),
                    ("rapid_review_started", "Rapid review started"),
                    ("rapid_review_completed", "Rapid review completed"),
                    ("outcome_sent", "Outcome sent to the Panel"),
                    ("panel_responded", "Panel responded"),
                    ("sos_ofsted_notified", "Secretary of State and Ofsted notified"),
                ],
                default="submitted",
                max_length=30,
            ),
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
