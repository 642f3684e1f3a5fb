"""The test suite's PostgreSQL backend: Django's, whose flush (between transactional tests and
live-server browser tests) may empty the activity log.

The log refuses TRUNCATE (migration lscp 0010) unless the transaction set
`lscp.allow_log_truncate` to 'on'. Only this flush sets it, for its own transaction (SET LOCAL);
the application never does, and production settings never use this backend."""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not statements:
            return statements
        return ["SET LOCAL lscp.allow_log_truncate = 'on';", *statements]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
