"""How the contracts' enums are named in a node's OpenAPI schema.

A node that shows them puts these in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`, so every node's
schema calls them alike (and their `state` fields do not collide).
"""

__all__ = ["ENUM_NAME_OVERRIDES"]

ENUM_NAME_OVERRIDES = {
    "PackageStatesEnum": "contracts.workflows.PackageStates",
    "StatusesEnum": "contracts.core.Statuses",
}
