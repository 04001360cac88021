"""Regenerate eval/real-client: run every scenario against the fake provider with the real litellm.

    python3.11 eval/real-client/generate/run.py              # everything
    python3.11 eval/real-client/generate/run.py --only 'azure-4..'   # a subset (regex on names)

Steps: make a venv in a temp dir (never inside the repository) with the pinned requirements,
start fake_provider.py on 127.0.0.1, run each scenario in its own subprocess with a time limit,
write cases/<scenario>.log and rewrite cases.toml. With --only, the logs of the scenarios not run are
kept (and listed in cases.toml with their labels from scenarios.py).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.request
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SET_DIR = HERE.parent
CASES_DIR = SET_DIR / "cases"
CASES_TOML = SET_DIR / "cases.toml"

sys.path.insert(0, str(HERE))
import scenarios as sc  # noqa: E402


def log(msg: str) -> None:
    print(f"[run] {msg}", flush=True)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def make_venv(root: Path, reinstall: bool) -> Path:
    venv = root / "venv"
    py = venv / "bin" / "python"
    req = (HERE / "requirements.txt").read_bytes() + (HERE / "constraints.txt").read_bytes()
    stamp = venv / ".errsig-requirements.sha256"
    digest = hashlib.sha256(req).hexdigest()
    if py.exists() and stamp.exists() and stamp.read_text() == digest and not reinstall:
        log(f"venv up to date: {venv}")
        return py
    if venv.exists():
        shutil.rmtree(venv)
    log(f"creating venv {venv}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(HERE / "requirements.txt"), "-c", str(HERE / "constraints.txt")],
        check=True,
        timeout=1800,
    )
    stamp.write_text(digest)
    return py


def wait_http(url: str, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def post_json(url: str, body: dict) -> None:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        r.read()


def base_env(venv_py: Path, extra: dict, subst: dict) -> dict:
    env = {
        "PATH": f"{venv_py.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # keep outbound traffic on this machine: no proxy settings leak in from the caller
        "NO_PROXY": "127.0.0.1,localhost",
    }
    for k, v in extra.items():
        env[k] = string.Template(v).safe_substitute(subst)
    return env


class Proxy:
    def __init__(self, name: str, venv_py: Path, work: Path, port: int, subst: dict):
        self.name = name
        self.dir = work / f"proxy-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "config.yaml").write_text(string.Template(sc.PROXY_CONFIGS[name]).safe_substitute(subst).lstrip())
        self.log_path = self.dir / "proxy.log"
        self.port = port
        env = base_env(venv_py, sc.PROXY_ENV, subst)
        self.logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(venv_py.parent / "litellm"), "--config", "config.yaml", "--host", "127.0.0.1", "--port", str(port)],
            cwd=self.dir,
            env=env,
            stdout=self.logf,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not wait_http(f"http://127.0.0.1:{port}/health/liveliness", 120):
            self.stop()
            raise RuntimeError(f"litellm proxy '{name}' did not start; see {self.log_path}")
        log(f"proxy '{name}' up on 127.0.0.1:{port} (pid {self.proc.pid})")

    def offset(self) -> int:
        self.logf.flush()
        return self.log_path.stat().st_size

    def read_from(self, off: int) -> str:
        self.logf.flush()
        with open(self.log_path, "rb") as f:
            f.seek(off)
            return f.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.logf.close()


def run_script(venv_py: Path, workdir: Path, code: str, env: dict, timeout: int) -> tuple[int | None, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    app = workdir / "app.py"
    app.write_text(code.lstrip())
    try:
        p = subprocess.run(
            [str(venv_py), "app.py"],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            start_new_session=True,
        )
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return None, out


def start_proxy_expecting_failure(venv_py: Path, workdir: Path, s: sc.Scenario, a, subst: dict) -> tuple[int | None, str]:
    """Start `litellm --config ...` with a broken setup and capture what it prints until it exits.

    s.code is the config.yaml text (empty: no file is written); s.args are extra CLI arguments with
    placeholders ($CONFIG, $PORT, $FAKE_PORT). A proxy that comes up healthy is stopped and reported as rc 0.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    if s.code.strip():
        (workdir / "config.yaml").write_text(string.Template(s.code).safe_substitute(subst).lstrip())
    args = [string.Template(x).safe_substitute(subst, PORT=str(a.proxy_port), FAKE_PORT=str(a.fake_port)) for x in s.args]
    env = base_env(venv_py, {**sc.PROXY_ENV, **s.env}, subst)
    p = subprocess.Popen([str(venv_py.parent / "litellm"), *args], cwd=workdir, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=s.timeout)
        return p.returncode if p.returncode != 0 else 1, out.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGTERM)
        out, _ = p.communicate(timeout=15)
        return 0, out.decode("utf-8", "replace")


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def case_names(s: sc.Scenario) -> list[str]:
    return [f"{s.name}-{k}" for k in s.keep] if s.kind == "proxy" else [s.name]


def case_block(s: sc.Scenario, case_name: str) -> str:
    lines = ["[[case]]", f'file = "cases/{case_name}.log"']
    if s.expected:
        lines.append(f"expected = {toml_str(s.expected)}")
    lines.append(f'source = "generated: scenario {s.name}, litellm {sc.LITELLM_VERSION}"')
    note = s.note
    if s.kind == "proxy":
        note += " (client output)" if case_name.endswith("-client") else " (proxy log)"
    lines.append(f"note = {toml_str(note)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="regex: run only scenarios whose name matches")
    ap.add_argument("--root", default=os.path.join(tempfile.gettempdir(), "errsig-real-client"),
                    help="temp dir for the venv and the scenario work dirs (default: %(default)s)")
    ap.add_argument("--reinstall", action="store_true", help="recreate the venv even if it is up to date")
    ap.add_argument("--fake-port", type=int, default=48101)
    ap.add_argument("--proxy-port", type=int, default=48102)
    ap.add_argument("--closed-port", type=int, default=48199)
    a = ap.parse_args()

    root = Path(a.root).resolve()
    if str(root).startswith(str(SET_DIR.parents[1])):
        print("--root must be outside the repository", file=sys.stderr)
        return 2
    root.mkdir(parents=True, exist_ok=True)
    for p in (a.fake_port, a.proxy_port, a.closed_port):
        if not port_free(p):
            print(f"port {p} on 127.0.0.1 is in use; pick others with --fake-port/--proxy-port/--closed-port", file=sys.stderr)
            return 2

    venv_py = make_venv(root, a.reinstall)
    ver = subprocess.run([str(venv_py), "-c", "import importlib.metadata as m; print(m.version('litellm'))"],
                         capture_output=True, text=True, env={"LITELLM_LOCAL_MODEL_COST_MAP": "True"}).stdout.strip()
    if ver != sc.LITELLM_VERSION:
        print(f"venv has litellm {ver}, expected {sc.LITELLM_VERSION}", file=sys.stderr)
        return 2

    subst = {
        "FAKE": f"http://127.0.0.1:{a.fake_port}",
        "CLOSED": f"http://127.0.0.1:{a.closed_port}",
        "PROXY": f"http://127.0.0.1:{a.proxy_port}",
    }
    work = root / "work"
    work.mkdir(exist_ok=True)
    fake_log = open(root / "fake-provider.log", "wb")
    fake = subprocess.Popen(
        [sys.executable, str(HERE / "fake_provider.py"), "--port", str(a.fake_port)],
        stdout=fake_log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    proxies: dict[str, Proxy] = {}  # every proxy started, so the finally block stops it
    selected = [s for s in sc.S if not a.only or re.search(a.only, s.name)]
    names = [s.name for s in sc.S]
    assert len(names) == len(set(names)), "duplicate scenario names"
    results: dict[str, str] = {}
    problems: list[str] = []
    try:
        if not wait_http(f"{subst['FAKE']}/__control/health", 20):
            raise RuntimeError("fake provider did not start")
        CASES_DIR.mkdir(exist_ok=True)
        # SDK scenarios first, then proxy scenarios grouped by config so each proxy starts once.
        order = {"sdk": 0, "proxy-start": 1}
        for s in selected:
            if s.kind == "proxy":
                order.setdefault(s.proxy, len(order))
        selected.sort(key=lambda s: order[s.proxy if s.kind == "proxy" else s.kind])
        current: Proxy | None = None
        for s in selected:
            t0 = time.monotonic()
            post_json(f"{subst['FAKE']}/__control/rules", {"rules": s.rules})
            code = string.Template(s.code).safe_substitute(subst)
            env = base_env(venv_py, s.env, subst)
            if s.kind == "sdk":
                rc, out = run_script(venv_py, work / s.name, code, env, s.timeout)
                logs = {s.name: out}
            elif s.kind == "proxy-start":
                rc, out = start_proxy_expecting_failure(venv_py, work / s.name, s, a, subst)
                logs = {s.name: out}
            else:
                if current is None or current.name != s.proxy:
                    if current is not None:
                        current.stop()
                    current = Proxy(s.proxy, venv_py, work, a.proxy_port, subst)
                    proxies[s.proxy] = current
                off = current.offset()
                rc, out = run_script(venv_py, work / s.name, code, env, s.timeout)
                time.sleep(2.0)  # let the proxy finish writing its log lines for this request
                server = current.read_from(off)
                logs = {}
                if "client" in s.keep:
                    logs[f"{s.name}-client"] = out
                if "server" in s.keep:
                    logs[f"{s.name}-server"] = server
            dt = time.monotonic() - t0
            if rc is None:
                problems.append(f"{s.name}: timed out after {s.timeout}s")
                log(f"TIMEOUT {s.name}")
                continue
            if rc == 0:
                problems.append(f"{s.name}: the script succeeded, no failure to record")
                log(f"NO-FAILURE {s.name}\n{out[-2000:]}")
                continue
            for case_name, text in logs.items():
                if not text.strip():
                    problems.append(f"{case_name}: empty log")
                    log(f"EMPTY {case_name}")
                    continue
                (CASES_DIR / f"{case_name}.log").write_text(text)
                results[case_name] = case_block(s, case_name)
                log(f"ok {case_name} ({dt:.1f}s, {len(text)} bytes)")
    finally:
        for px in proxies.values():
            px.stop()
        fake.terminate()
        try:
            fake.wait(5)
        except subprocess.TimeoutExpired:
            fake.kill()
        fake_log.close()

    # Rewrite cases.toml in scenario order; keep entries of scenarios not run this time.
    blocks = []
    for s in sc.S:
        for name in case_names(s):
            if name in results:
                blocks.append(results[name])
            elif a.only and (CASES_DIR / f"{name}.log").exists():
                blocks.append(case_block(s, name))  # not run this time: keep its log, label from scenarios.py
    header = (
        "# Real-client evaluation set: litellm " + sc.LITELLM_VERSION + " run against a fake provider.\n"
        "# Generated by eval/real-client/generate/run.py; do not edit by hand (see README.md).\n\n"
    )
    CASES_TOML.write_text(header + "\n".join(blocks))
    log(f"{len(results)} case(s) written, {len(blocks)} in cases.toml")
    for p in problems:
        log("PROBLEM " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
