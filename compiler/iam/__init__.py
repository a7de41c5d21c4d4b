"""IAM as AWS evaluates it, offline: wildcard matching, condition operators, policy evaluation,
and the datasets (actions with access levels, AWS managed policies) shipped as package data.

Three answers, never two: a request is allowed, denied, or *undecided* when the policy depends on
something the caller did not say (a condition key absent from a partial context, an operator or a
policy variable this package does not model). Nothing undecidable is silently read as true or false.
"""
