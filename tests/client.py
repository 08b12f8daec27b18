"""A tiny JSON client for the nodes' HTTP APIs (what a browser app or curl would send)."""

from __future__ import annotations

from typing import Any

import requests


class Api:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=15, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.post(self.base_url + path, json=body, timeout=15, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.put(self.base_url + path, json=body, timeout=15, **kwargs)

    def delete(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.session.delete(self.base_url + path, json=body, timeout=15, **kwargs)
