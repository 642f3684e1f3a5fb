"""The practice themes a review identifies and its recommendations address.

The list follows the themes the Child Safeguarding Practice Review Panel reports on year by year
(its annual reports and national reviews): what a designated professional keys into the NHS
Safeguarding Case Review Tracker, so that the tracker export (reviews/tracker) carries them.
"""

from django.db import models


class PracticeTheme(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse and non-accidental injury"
    SEXUAL_ABUSE = "sexual_abuse", "Child sexual abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health", "Parental mental health"
    PARENTAL_SUBSTANCE_MISUSE = "parental_substance_misuse", "Parental alcohol or drug misuse"
    CHILD_MENTAL_HEALTH = "child_mental_health", "Child mental health, suicide and self-harm"
    SAFER_SLEEP = "safer_sleep", "Sudden unexpected death in infancy and safer sleep"
    EXPLOITATION = "exploitation", "Criminal or sexual exploitation and harm outside the home"
    ONLINE_HARM = "online_harm", "Online harm"
    DISABLED_CHILDREN = "disabled_children", "Disabled children and children with complex health needs"
    MALE_CARERS = "male_carers", "Fathers and male carers"
    VOICE_OF_THE_CHILD = "voice_of_the_child", "The child's voice and lived experience"
    RACE_AND_CULTURE = "race_and_culture", "Race, ethnicity and culture"
    EDUCATION = "education", "Education, including children missing education"
    INFORMATION_SHARING = "information_sharing", "Information sharing and multi-agency working"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment and decision-making"


def labels(values) -> list[str]:
    """The labels of `values` in the list's own order, unknown values left out."""
    wanted = set(values or ())
    return [theme.label for theme in PracticeTheme if theme.value in wanted]


def check(values) -> list[str] | None:
    """The themes in the list's order, or None when one is not on the list."""
    values = list(values or ())
    if any(value not in PracticeTheme.values for value in values):
        return None
    return [theme.value for theme in PracticeTheme if theme.value in values]
