# SHIM (issue 11): `heatmap` moved to audits/self_assessment/selectors.py and `current_year_start` to
# audits/quarters.py; remove these two names once importers are updated (lscp/management/commands/
# bench.py, tests/test_demo.py). Looked up lazily, so that importing the dashboard's own modules
# does not load the other subdomains.


def __getattr__(name):
    if name == "heatmap":
        from audits.self_assessment.selectors import heatmap

        return heatmap
    if name == "current_year_start":
        from audits.quarters import current_year_start

        return current_year_start
    raise AttributeError(name)
