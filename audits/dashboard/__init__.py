"""The scrutineer's read-only dashboard: figures from the other subdomains' selectors."""
