"""`rolec audit`: judge a hand-written execution role against what its tasks need.

Needs come from a spec (or task definitions through `rolec infer`'s readers) as compiled by rolec
(`needs.py`); grants come from a role source (`compiler/roles`); `compare.py` evaluates every need
against the role with the IAM evaluator (missing), every granted action × resource against the needs
(excess), and the trust policy (trust); `report.py` renders text, JSON and SARIF.
"""
