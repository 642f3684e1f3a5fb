"""Action plans: the recommendations of a review, audit or scrutiny turned into actions owned by
member organisations, ratified through the partnership's governance, and tracked to completion
and impact (DESIGN.md §2 step 7; issue 5).

Part of the `reviews` app (its models are imported at the end of reviews/models.py). Who may do
what is in permissions.py; the rules and writes in services/ (checks, refusals by state, plans,
contents, completion); reads in selectors.py; list filters, for pages and API alike, in
filters.py; pages in views/ (plans, actions); the API in api.py; RAG in rag.py; action clocks in
clocks.py; spreadsheets in sheets.py.
"""
