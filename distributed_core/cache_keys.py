"""The keys of a node's cache entries: the suite's prefix, then the node's name.

Nodes of one suite share a Redis (and its prefix, CHANNEL_LAYER_PREFIX), but not their users:
with its name in every key, one node's sign-in failure counts are not another's.
"""

from __future__ import annotations

from .conf import dd_settings

__all__ = ["node_cache_key"]


def node_cache_key(key: str, key_prefix: str, version: int) -> str:
    """CACHES' KEY_FUNCTION: `<prefix>:<node>:<version>:<key>` (Django's default, with the node's name)."""
    return f"{key_prefix}:{dd_settings.node_name}:{version}:{key}"
