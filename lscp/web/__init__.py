"""Web plumbing: base views, GOV.UK forms, lists, navigation, the home page."""
