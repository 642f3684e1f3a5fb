"""Signing in: the forms, the pages, the limits on failed attempts (limits, backends), how
strong a new password must be (passwords) and when a session ends (sessions)."""
