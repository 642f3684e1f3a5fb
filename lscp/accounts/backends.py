"""The password backend: Django's, answering for deactivated accounts as well.

Django's ModelBackend checks a deactivated account's password and then answers "no such
login", so the sign-in form checked it a second time to say "your access has been removed":
two hashes instead of one, and deactivated accounts could be told apart by timing. Here the
password is hashed exactly once whatever the account's state (for an unknown username Django
hashes once too); the form's confirm_login_allowed then refuses the deactivated and those
without an active membership. A session stays Django's: a deactivated person's is ended.
"""

from __future__ import annotations

from django.contrib.auth.backends import AllowAllUsersModelBackend


class PasswordBackend(AllowAllUsersModelBackend):
    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
