"""Signing in: the forms, the pages, the limits on failed attempts."""
