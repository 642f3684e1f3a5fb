"""How guessable a new password is, by zxcvbn's estimate, beside Django's validators (which
know lengths and a list of common passwords but accepted `passwordpassword`).

The person's own username, names and email address count as guessable words. The message says
what is wrong and zxcvbn's suggestion for a better one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# zxcvbn looks at no more than this much (its matching slows on very long input).
_LONGEST = 128


class ZxcvbnValidator:
    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password, user=None):
        result = zxcvbn(password[:_LONGEST], user_inputs=_user_inputs(user))
        if result["score"] >= self.min_score:
            return
        feedback = result["feedback"]
        advice = " ".join(part for part in [feedback.get("warning") or "", *feedback.get("suggestions", [])] if part)
        message = "Your password is too easy to guess."
        if advice:
            message += " " + advice
        else:
            message += " Use 3 or more random words, or a longer mix of words and numbers."
        raise ValidationError(message, code="password_too_guessable")

    def get_help_text(self):
        return "Your password must not be easy to guess: use 3 or more random words."


def _user_inputs(user) -> list[str]:
    if user is None:
        return []
    values = [getattr(user, name, "") or "" for name in ("username", "first_name", "last_name", "email")]
    email = getattr(user, "email", "") or ""
    if "@" in email:
        values += email.split("@", 1)
    return [value for value in values if value]
