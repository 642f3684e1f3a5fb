"""Action plans: the recommendations of a review, audit or scrutiny turned into actions owned by
member organisations, ratified through the partnership's governance, and tracked to completion
and impact (DESIGN.md §2 step 7; issue 5).

Part of the `reviews` app (its models are imported at the end of reviews/models.py). Writes are
in services.py, reads in selectors.py, who may do what in permissions.py, RAG in rag.py, action
clocks in clocks.py, spreadsheets in sheets.py.
"""
