"""A real multi-process installation under load and faults; prints whether every post went out once.

What runs (all on this machine, each "machine" in its own virtual environment and data folder,
Klankbord installed from a wheel built from the committed code (git HEAD), never the checkout):

- PostgreSQL as it runs here (a fresh database, dropped at the end) and a Redis server of our own
  (the Debian binary on a spare port, without persistence: its restart loses every queued message);
- two web machines (gunicorn) behind HAProxy (`apt-get install haproxy`);
- N worker machines (3 by default) and one beat machine;
- fake Mastodon instances on loopback, one account per channel, that answer 5 % of requests with
  429 (rate-limit headers), 5 % with 503, and drop the connection of 10 % of creates after storing
  the post (the scheduler must find it by looking it up, not send it again); a create takes
  0.3 s (`--create-latency`), as a real one does, so a killed worker is often mid-publish;
- a stream of mentions to the connected accounts at a steady rate, read by the workers;
- a load generator (asyncio + httpx) with N signed-in users opening pages and calling the API;
- faults: two worker SIGKILLs, a Redis restart, a PostgreSQL restart, the beat killed and
  restarted (killed machines come back after 10 s, as systemd's RestartSec would).

Run (as root, needs haproxy; about 10 minutes at the defaults on two busy cores):
    .venv/bin/python benchmarks/cluster.py
The issue's full scale (5,000 posts due over 10 minutes, 200 organisations, 400 channels,
200 users):
    .venv/bin/python benchmarks/cluster.py --posts 5000 --duration 600
Throughput of 1, 2 or 4 workers (all posts due at once, no faults, no page traffic):
    .venv/bin/python benchmarks/cluster.py --burst --workers 2 --orgs 50 --channels 100 --posts 600

Exits with status 1 when a post went out twice, a post is missing or a mention was lost.
"""

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_VERSION_DIR = Path("/etc/postgresql")
HAPROXY = "/usr/sbin/haproxy"
RESTART_AFTER = 10.0  # seconds before a killed worker or beat comes back (systemd RestartSec)
ACCOUNT_BASE = 109_100_000_000_000_000
CANARY_EVERY = 5.0  # seconds between the canary posts that time recovery after a fault

# --- Pure helpers (tests/test_cluster_benchmark.py) --------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(share * len(ordered) + 0.999999)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Fault:
    at: float  # seconds after the start of the window
    kind: str  # worker_kill, redis_restart, postgres_restart, beat_kill
    target: int = 0  # which worker


FAULT_ORDER = ("worker_kill", "redis_restart", "worker_kill", "postgres_restart", "beat_kill")


def fault_schedule(duration: float, workers: int) -> list[Fault]:
    """The five faults spread evenly over the window, never in its last sixth (time to recover)."""
    step = duration / (len(FAULT_ORDER) + 1.5)
    faults, kills = [], 0
    for n, kind in enumerate(FAULT_ORDER, start=1):
        target = 0
        if kind == "worker_kill":
            target = kills % max(1, workers)
            kills += 1
        faults.append(Fault(at=round(step * n, 1), kind=kind, target=target))
    return faults


def in_windows(moment: float, windows: Iterable[tuple[float, float]]) -> bool:
    return any(start <= moment < end for start, end in windows)


def split_by_windows(
    samples: Iterable[tuple[float, float, int]], windows: list[tuple[float, float]]
) -> tuple[list[tuple[float, float, int]], list[tuple[float, float, int]]]:
    """(during, outside): samples are (start time, seconds, HTTP status); a request that was
    under way at any moment of a window (it may have waited in a queue) counts as during."""
    during, outside = [], []
    for sample in samples:
        start, end = sample[0], sample[0] + sample[1]
        overlaps = any(start < until and end >= since for since, until in windows)
        (during if overlaps else outside).append(sample)
    return during, outside


def page_figures(samples: list[tuple[float, float, int]]) -> str:
    if not samples:
        return "no requests"
    errors = sum(1 for _t, _d, status in samples if status != 200)
    times = [d for _t, d, status in samples if status == 200]
    return (
        f"{len(samples)} requests, p50 {percentile(times, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(times, 0.95) * 1000:.0f} ms, errors {errors / len(samples):.2%}"
    )


def duplicates(texts: Iterable[str]) -> int:
    return sum(count - 1 for count in Counter(texts).values() if count > 1)


def spread(count: int, duration: float, seed: int = 1) -> list[float]:
    """Offsets in seconds of `count` posts due over `duration`, evenly with some jitter."""
    rng = random.Random(seed)
    if count <= 0:
        return []
    gap = duration / count
    return sorted(min(duration, n * gap + rng.uniform(0, gap)) for n in range(count))


# --- Fake networks (its own process: --role fake) ----------------------------------------------

WORDS = (  # noqa: SIM905 - one readable line of words
    "bakker brood taart winkel open vandaag morgen vraag prijs levering gent leuven antwerpen "
    "brugge utrecht klant dienst afspraak factuur boekhouder tuin planten koffie lunch menu "
    "fiets reparatie kapper afspraak zaterdag zondag maandag feest verjaardag cadeau bon korting "
    "vriendelijk snel traag duur goedkoop lekker vers warm koud parkeren bereikbaar bus trein "
    "website bestelling retour garantie kwaliteit advies uitleg team personeel vacature job "
    "stage student zomer winter lente herfst regen zon sneeuw wind markt kermis concert"
).split()


def run_fake(spec: dict[str, Any]) -> None:
    """Fake Mastodon instances with faults, a mention stream, and a control server for the dump."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klankbord.settings")
    from pytest_httpserver import HTTPServer
    from werkzeug import Request, Response

    from klankbord.channels.tests.fakes.chaos import DroppedConnection
    from klankbord.channels.tests.fakes.mastodon import FakeMastodon

    class Instance(FakeMastodon):
        """One fake Mastodon server with one account per access token ("tok-<n>")."""

        def __init__(self, server: HTTPServer, faulty: bool, seed: int) -> None:
            super().__init__(server)
            # Ids differ between servers, as real ones (time-based) practically always do.
            self.ids = itertools.count(110_000_000_000_000_000 + seed * 10**12)
            self.lock = threading.Lock()
            self.faulty = faulty
            self.rng = random.Random(seed)
            self.accounts: dict[str, dict[str, Any]] = {}
            self.inboxes: dict[str, list[dict[str, Any]]] = {}
            self.mention_log: list[tuple[str, str, str, float]] = []
            self.counts: Counter[str] = Counter()
            # (moment, account id, fault): which account met which fault when.
            self.fault_log: list[tuple[float, str, str]] = []

        def fault(self, account_id: str, kind: str) -> None:
            self.counts[kind] += 1
            self.fault_log.append((time.time(), account_id, kind))

        def own(self, number: int) -> str:
            account_id = str(ACCOUNT_BASE + number)
            if account_id not in self.accounts:
                username = f"acct{number}"
                self.accounts[account_id] = {
                    "id": account_id,
                    "username": username,
                    "acct": username,
                    "display_name": f"Zaak {number}",
                    "avatar": self.url("/avatars/original/missing.png"),
                    "url": self.url(f"/@{username}"),
                }
                self.inboxes[account_id] = []
                self.known_accounts[username] = self.accounts[account_id]
                self.tokens[f"tok-{number}"] = account_id
            return account_id

        def act_as(self, account_id: str) -> None:
            self.account = self.accounts[account_id]
            self.notifications = self.inboxes[account_id]

        def handle(self, request: Request) -> Response:
            if request.method == "POST" and request.path == "/api/v1/statuses":
                # A real create takes a few hundred ms: a killed worker is often mid-publish.
                time.sleep(spec.get("create_latency", 0.0))
            with self.lock:
                bearer = request.headers.get("Authorization", "")[7:]
                account_id = ""
                if bearer.startswith("tok-") and bearer[4:].isdigit():
                    account_id = self.own(int(bearer[4:]))
                    self.act_as(account_id)
                create = request.method == "POST" and request.path == "/api/v1/statuses"
                roll = self.rng.random() if self.faulty else 1.0
                if roll < spec["rate_429"]:
                    self.fault(account_id, "429")
                    reset = datetime.now(UTC) + timedelta(seconds=spec["ratelimit_reset"])
                    headers = {
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    }
                    return self._json({"error": "Too many requests"}, 429, headers)
                if roll < spec["rate_429"] + spec["rate_503"]:
                    self.fault(account_id, "503")
                    return Response("Service Unavailable", status=503, content_type="text/html")
                response = super().handle(request)
                drop = self.faulty and self.rng.random() < spec["rate_drop"]
                if create and response.status_code == 200 and drop:
                    self.fault(account_id, "dropped")
                    return DroppedConnection()
                if create:
                    self.counts["created"] += 1
                return response

        def mention(self, number: int, n: int, rng: random.Random) -> None:
            with self.lock:
                account_id = self.own(number)
                self.act_as(account_id)
                words = " ".join(rng.choice(WORDS) for _ in range(12))
                status = self.add_mention(
                    f"@acct{number} {words} ({n}, {rng.randrange(10**6)})",
                    acct=f"klant{rng.randrange(10**6)}@example.social",
                )
                notification = self.notifications[-1]["id"]
                self.mention_log.append((account_id, status["id"], notification, time.time()))

        def dump(self) -> dict[str, Any]:
            with self.lock:
                own = {a for a in self.accounts}
                posts = [
                    (s["account"]["id"], s["text"], s["created_at"])
                    for s in self.statuses.values()
                    if s["account"]["id"] in own
                ]
                return {
                    "posts": posts,
                    "mentions": self.mention_log,
                    "counts": self.counts,
                    "faults": self.fault_log,
                }

    instances = []
    for n, port in enumerate(spec["ports"]):
        server = HTTPServer(host="127.0.0.1", port=port, threaded=True)
        server.start()
        # The last instance carries the canary channel and has no faults.
        instances.append(Instance(server, faulty=n < len(spec["ports"]) - 1, seed=n + 1))
    for number, instance_index in spec["accounts"]:
        instances[instance_index].own(number)

    stop = threading.Event()

    def mentions() -> None:
        rng = random.Random(99)
        start, end = spec["mentions_from"], spec["mentions_until"]
        while time.time() < start and not stop.is_set():
            time.sleep(0.2)
        n, gap = 0, 1.0 / spec["mention_rate"] if spec["mention_rate"] > 0 else 0
        while gap and time.time() < end and not stop.is_set():
            number, instance_index = rng.choice(spec["accounts"][:-1] or spec["accounts"])
            instances[instance_index].mention(number, n, rng)
            n += 1
            # Steady: the next mention at its planned moment, whatever this one cost.
            time.sleep(max(0.0, start + n * gap - time.time()))

    control = HTTPServer(host="127.0.0.1", port=spec["control_port"], threaded=True)

    def answer(request: Request) -> Response:
        if request.path == "/stop":
            stop.set()
            return Response("bye")
        dumps = [instance.dump() for instance in instances]
        body = {
            "posts": [p for d in dumps for p in d["posts"]],
            "mentions": [m for d in dumps for m in d["mentions"]],
            "counts": sum((Counter(d["counts"]) for d in dumps), Counter()),
            "faults": [f for d in dumps for f in d["faults"]],
        }
        return Response(json.dumps(body), content_type="application/json")

    control.expect_request("/dump").respond_with_handler(answer)
    control.expect_request("/stop").respond_with_handler(answer)
    control.start()
    writer = threading.Thread(target=mentions, daemon=True)
    writer.start()
    Path(spec["ready_file"]).write_text("ready")
    while not stop.is_set():
        time.sleep(0.5)
    for instance in instances:
        instance.server.clear()
        instance.server.stop()
    control.stop()


# --- Load generator (its own process: --role load) ---------------------------------------------

PAGES = (
    ("dashboard", "/o/{slug}/", 30),
    ("posts", "/o/{slug}/publiceren/", 15),
    ("calendar", "/o/{slug}/kalender/", 15),
    ("inbox", "/o/{slug}/inbox/", 15),
    ("api_posts", "/api/v1/organisations/{slug}/posts", 15),
    ("api_inbox", "/api/v1/organisations/{slug}/inbox", 10),
)


async def user_session(
    client: Any, user: dict[str, str], spec: dict[str, Any], out: list[Any], seed: int
) -> None:
    rng = random.Random(seed)
    names = [name for name, _path, _weight in PAGES]
    weights = [weight for _name, _path, weight in PAGES]
    paths = {name: path for name, path, _weight in PAGES}
    await asyncio.sleep(rng.uniform(0, spec["think"]))
    while time.time() < spec["until"]:
        kind = rng.choices(names, weights)[0]
        headers = {"Accept-Language": "nl-BE"}
        if kind.startswith("api_"):
            headers["Authorization"] = f"Bearer {user['token']}"
        else:
            headers["Cookie"] = f"sessionid={user['session']}"
        started = time.time()
        try:
            response = await client.get(paths[kind].format(slug=user["slug"]), headers=headers)
            status = response.status_code
        except Exception:  # noqa: BLE001 - a timeout or refused connection is an error, counted
            status = 0
        out.append((started, time.time() - started, status, kind))
        await asyncio.sleep(rng.expovariate(1.0 / spec["think"]))


async def generate_load(spec: dict[str, Any]) -> list[Any]:
    import httpx

    out: list[Any] = []
    limits = httpx.Limits(max_connections=len(spec["users"]), max_keepalive_connections=50)
    async with httpx.AsyncClient(
        base_url=spec["base_url"], timeout=30, limits=limits, follow_redirects=False
    ) as client:
        await asyncio.gather(
            *(
                user_session(client, user, spec, out, seed)
                for seed, user in enumerate(spec["users"])
            )
        )
    return out


def run_load(spec: dict[str, Any]) -> None:
    while time.time() < spec["from"]:
        time.sleep(0.2)
    samples = asyncio.run(generate_load(spec))
    Path(spec["out"]).write_text(json.dumps(samples))


# --- The installation ---------------------------------------------------------------------------


def clock(moment: float | None = None) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(moment))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001,S110 - not up yet
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not come up within {seconds:.0f} s")


def committed_tree() -> str:
    """The commit's tree of what the wheel is built from (uncommitted edits are not in it)."""
    result = subprocess.run(
        ["git", "rev-parse", "HEAD:klankbord", "HEAD:setup.py", "HEAD:pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return hashlib.sha256(result.stdout.encode()).hexdigest()[:16]


def build_wheel(cache: Path) -> Path:
    """The wheel of the checked-in code (HEAD), built as the docs say, cached per tree."""
    digest = committed_tree()
    built = sorted((cache / "dist").glob("klankbord-*.whl"))
    if built and (cache / "digest").exists() and (cache / "digest").read_text() == digest:
        return built[0]
    source, out = cache / "source", cache / "dist"
    for folder in (source, out):
        shutil.rmtree(folder, ignore_errors=True)
    source.mkdir(parents=True)
    archive = subprocess.run(
        [
            "git",
            "archive",
            "HEAD",
            "klankbord",
            "pyproject.toml",
            "setup.py",
            "README.md",
            "LICENSE",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", str(source), "--no-deps"),
            *("--no-build-isolation", "--quiet", "--wheel-dir", str(out)),
        ],
        check=True,
        cwd=source,
    )
    (cache / "digest").write_text(digest)
    return next(out.glob("klankbord-*.whl"))


def make_machine(wheel: Path, home: Path) -> Path:
    """A machine: its own virtual environment with the wheel installed, its own data folder.

    The wheel's dependencies come from this checkout's environment (as in tests/test_install.py),
    so no package index is needed; the Klankbord code is the wheel's.
    """
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (home / "data").mkdir(mode=0o700)
    return venv


@dataclass
class Machine:
    name: str
    home: Path
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    crashes: list[float] = field(default_factory=list)
    down_on_purpose: bool = False

    def start(self) -> None:
        if self.running():
            return
        self.starts += 1
        log = (self.home / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=self.home,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.down_on_purpose = False  # only now: the supervisor must not see the old process

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.down_on_purpose = True
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


@dataclass
class Cluster:
    args: argparse.Namespace
    run: Path
    machines: dict[str, Machine] = field(default_factory=dict)
    others: list[subprocess.Popen[bytes]] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    proxy_port: int = 0
    redis_port: int = 0

    def spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Any:
        log = (self.run / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            cwd=self.run,
            env=env or os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.others.append(process)
        return process

    def start_redis(self) -> None:
        self.redis_process = self.spawn(
            "redis",
            [
                *("redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.run)),
            ],
        )
        wait_for(self.redis_ping, 10, "Redis")

    def redis_ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def restart_redis(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"], check=False)
        self.redis_process.wait(timeout=10)
        self.start_redis()

    def machine_env(self, home: Path) -> dict[str, str]:
        env_file = home / "klankbord.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in self.settings.items()))
        env_file.chmod(0o600)
        return {
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "KLANKBORD_ENV_FILE": str(env_file),
            "KLANKBORD_DATA_DIR": str(home / "data"),
        }

    def add_machine(self, name: str, wheel: Path, role_args: list[str]) -> Machine:
        home = self.run / name
        home.mkdir()
        venv = make_machine(wheel, home)
        env = self.machine_env(home)
        python = str(venv / "bin" / "python")
        if role_args[0] == "web":
            metrics = home / "prometheus"
            metrics.mkdir()
            env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
            argv = [python, "-m", "gunicorn", "klankbord.wsgi", *role_args[1:]]
        else:
            argv = [python, "-m", "klankbord", *role_args]
        machine = Machine(name=name, home=home, argv=argv, env=env)
        self.machines[name] = machine
        return machine

    def klankbord(self, machine: Machine, *args: str) -> None:
        subprocess.run(
            [machine.argv[0], "-m", "klankbord", *args],
            cwd=machine.home,
            env=machine.env,
            check=True,
        )

    def stop_all(self) -> None:
        for machine in self.machines.values():
            machine.kill()
        for process in self.others:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def pg_cluster() -> list[str]:
    version = sorted(p.name for p in PG_VERSION_DIR.iterdir())[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def postgres_up() -> bool:
    result = subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", "5432"], capture_output=True, check=False
    )
    return result.returncode == 0


def restart_postgres() -> None:
    subprocess.run([*pg_cluster(), "restart"], check=False, capture_output=True)


def ensure_postgres_running() -> None:
    """Others use this server: whatever happened, leave it running."""
    if not postgres_up():
        subprocess.run([*pg_cluster(), "start"], check=False, capture_output=True)
    wait_for(postgres_up, 60, "PostgreSQL")


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def haproxy_config(port: int, web_ports: list[int], per_server: int) -> str:
    servers = "\n".join(
        f"  server web{n} 127.0.0.1:{p} check inter 2s maxconn {per_server}"
        for n, p in enumerate(web_ports, start=1)
    )
    return f"""global
  maxconn 2000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout queue 30s
  option redispatch
  retries 2
frontend klankbord
  bind 127.0.0.1:{port}
  default_backend web
backend web
  balance leastconn
{servers}
"""


# --- Data ---------------------------------------------------------------------------------------


@dataclass
class World:
    users: list[dict[str, str]]
    accounts: list[tuple[int, int]]  # (account number, instance index)
    canary_org: int
    orgs: list[int]
    posts: int
    canaries: int


def setup_django(settings: dict[str, str]) -> None:
    os.environ.update(settings)
    os.environ["DJANGO_SETTINGS_MODULE"] = "klankbord.settings"
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fill(args: argparse.Namespace, instance_urls: list[str], offsets: list[float]) -> World:
    """Organisations, owners with a session and an API token, channels, sources and posts.

    Posts are scheduled through the services a day ahead; `shift_posts` moves them to the window.
    """
    from django.test import Client
    from django.utils import timezone

    from klankbord.accounts.models import User
    from klankbord.accounts.services import api_token_create
    from klankbord.channels.models import Channel
    from klankbord.listening.models import Source
    from klankbord.listening.services import sources_sync
    from klankbord.orgs.models import Membership
    from klankbord.orgs.services import organisation_create
    from klankbord.publishing.services import post_create, post_schedule

    faulty = len(instance_urls) - 1
    base = timezone.now() + timedelta(days=1)
    users, accounts, orgs = [], [], []
    channels: list[tuple[Any, Any, Any]] = []  # (channel, org, membership)
    number = 0
    for n in range(args.orgs + 1):
        canary = n == args.orgs
        owner = User.objects.create_user(email=f"eigenaar{n}@zaak{n}.example.be")
        org = organisation_create(name="Canary" if canary else f"Zaak {n}", owner=owner)
        membership = Membership.objects.get(organisation=org, user=owner)
        per_org = 1 if canary else args.channels // args.orgs + (n < args.channels % args.orgs)
        for _ in range(per_org):
            instance = faulty if canary else number % faulty
            channel = Channel.objects.create(
                organisation=org,
                network="mastodon",
                external_id=str(ACCOUNT_BASE + number),
                handle=f"@acct{number}",
                base_url=instance_urls[instance],
                secrets={"access_token": f"tok-{number}"},
            )
            accounts.append((number, instance))
            channels.append((channel, org, membership))
            number += 1
        sources_sync(org)
        orgs.append(org.pk)
        if canary:
            continue
        client = Client()
        client.force_login(owner)
        _token, secret = api_token_create(user=owner, name="load")
        if len(users) < args.users:
            users.append(
                {"slug": org.slug, "session": client.cookies["sessionid"].value, "token": secret}
            )
    # Comments sources read every published post's replies: not part of this benchmark.
    Source.objects.filter(kind=Source.Kind.COMMENTS).update(active=False)
    Source.objects.filter(kind=Source.Kind.MENTIONS).update(interval_seconds=args.poll_interval)
    # Users beyond one per organisation share the organisations (more people per business).
    while len(users) < args.users:
        users.append(dict(users[len(users) % max(1, args.orgs)]))

    ordinary = channels[:-1]
    for n, offset in enumerate(offsets):
        channel, org, membership = ordinary[n % len(ordinary)]
        post = post_create(
            organisation=org,
            author=membership.user,
            text=f"Bericht {n} van {org.name}: {' '.join(random.sample(WORDS, 6))}",
            channels=[channel],
        )
        post_schedule(post=post, at=base + timedelta(seconds=offset), by=membership)
    canary_channel, canary_org, canary_member = channels[-1]
    canaries = max(1, int(args.duration / CANARY_EVERY))
    for n in range(canaries):
        post = post_create(
            organisation=canary_org,
            author=canary_member.user,
            text=f"Kanarie {n}",
            channels=[canary_channel],
        )
        post_schedule(post=post, at=base + timedelta(seconds=n * CANARY_EVERY), by=canary_member)
    return World(
        users=users,
        accounts=accounts,
        canary_org=canary_org.pk,
        orgs=orgs,
        posts=len(offsets),
        canaries=canaries,
    )


def shift_posts(start: datetime) -> None:
    """Move every scheduled post from tomorrow to the window that starts at `start`."""
    from django.db.models import F, Min

    from klankbord.publishing.models import PostTarget

    scheduled = PostTarget.objects.filter(status=PostTarget.Status.SCHEDULED)
    first = scheduled.aggregate(first=Min("scheduled_at"))["first"]
    # The first canary is due at the base itself: the base moves to `start`.
    delta = first - start
    scheduled.update(scheduled_at=F("scheduled_at") - delta, due_at=F("due_at") - delta)


# --- Watching the run ---------------------------------------------------------------------------


@dataclass
class Watch:
    healthz: list[tuple[float, int, str]] = field(default_factory=list)  # (time, status, worker)
    faults: list[tuple[float, Fault]] = field(default_factory=list)
    in_flight: dict[float, set[int]] = field(default_factory=dict)  # kill time → held targets


def watch_healthz(url: str, watch: Watch, stop: threading.Event) -> None:
    import httpx

    with httpx.Client(timeout=5) as client:
        while not stop.is_set():
            moment = time.time()
            try:
                response = client.get(url)
                worker = response.json().get("worker", "?") if response.content else "?"
                watch.healthz.append((moment, response.status_code, worker))
            except Exception:  # noqa: BLE001 - down is a data point
                watch.healthz.append((moment, 0, "?"))
            time.sleep(max(0.0, 1.0 - (time.time() - moment)))


def started_targets() -> dict[int, Any]:
    """Posts a worker is publishing now, with their lease (queued claims are nobody's yet)."""
    from django.db import connection

    from klankbord.publishing.models import PostTarget

    try:
        return dict(
            PostTarget.objects.filter(status=PostTarget.Status.PUBLISHING).values_list(
                "pk", "lease_expires_at"
            )
        )
    except Exception:  # noqa: BLE001 - the database may be restarting
        connection.close()
        return {}


def not_renewed(started: dict[int, Any]) -> set[int]:
    """Of the posts publishing at a kill, those nobody renewed since: the killed worker's.

    A live worker renews its lease every third of it (3 s) or finishes; the sweep marks a dead
    worker's post "the worker stopped" once its lease has run out.
    """
    from django.db import connection

    from klankbord.publishing.models import PostTarget
    from klankbord.publishing.scheduler import WORKER_STOPPED

    try:
        rows = PostTarget.objects.filter(pk__in=started).values_list(
            "pk", "status", "lease_expires_at", "error"
        )
        return {
            pk
            for pk, status, lease, error in rows
            if (status == PostTarget.Status.PUBLISHING and lease == started[pk])
            or error == WORKER_STOPPED
        }
    except Exception:  # noqa: BLE001 - the database may be restarting
        connection.close()
        return set()


def apply_fault(cluster: Cluster, fault: Fault, watch: Watch) -> None:
    moment = time.time()
    watch.faults.append((moment, fault))
    print(f"  {clock()} fault: {fault.kind} {fault.target or ''}", flush=True)
    if fault.kind == "worker_kill":
        workers = [m for n, m in cluster.machines.items() if n.startswith("worker")]
        machine = workers[fault.target % len(workers)]
        if not machine.running():  # down already (a crash): kill one that runs
            machine = next((m for m in workers if m.running()), machine)
        machine.kill()
        restart_later(machine)
        # Right after the kill (the killed worker writes nothing more): what is publishing, and
        # its lease. The survivors renew theirs within 3 s or finish; what nobody renewed in
        # 4.5 s (before the dead worker's lease, 9 s after its last renewal, can run out) was
        # the killed worker's.
        started = started_targets()
        time.sleep(4.5)
        watch.in_flight[moment] = not_renewed(started)
    elif fault.kind == "beat_kill":
        machine = cluster.machines["beat"]
        machine.kill()
        restart_later(machine)
    elif fault.kind == "redis_restart":
        cluster.restart_redis()
    elif fault.kind == "postgres_restart":
        restart_postgres()


def restart_later(machine: Machine) -> None:
    def again() -> None:
        time.sleep(RESTART_AFTER)
        machine.start()

    threading.Thread(target=again, daemon=True).start()


def supervise(cluster: Cluster, stop: threading.Event) -> None:
    """systemd's Restart=: a machine that exits on its own is counted and started again."""
    while not stop.is_set():
        for machine in cluster.machines.values():
            if machine.process is None or machine.down_on_purpose or machine.running():
                continue
            machine.crashes.append(time.time())
            print(
                f"  {clock()} {machine.name} exited by itself "
                f"(status {machine.process.returncode}); restarting in {RESTART_AFTER:.0f} s",
                flush=True,
            )
            machine.down_on_purpose = True
            restart_later(machine)
        stop.wait(1.0)


def unsettled() -> int:
    from django.db import connection

    from klankbord.publishing.models import PostTarget

    try:
        return PostTarget.objects.exclude(
            status__in=(
                PostTarget.Status.PUBLISHED,
                PostTarget.Status.FAILED,
                PostTarget.Status.MISSED,
            )
        ).count()
    except Exception:  # noqa: BLE001
        connection.close()
        return -1


def mentions_settled(network: dict[str, Any]) -> bool:
    """Every mention stored, or waiting behind the lease of a poll that never finished."""
    from django.db import connection
    from django.utils import timezone

    from klankbord.listening.models import Mention, Source

    try:
        stored = set(Mention.objects.values_list("source__channel__external_id", "remote_id"))
        _lost, pending = mentions_lost(network["mentions"], stored)
        held = set(
            Source.objects.filter(lease_until__gt=timezone.now()).values_list(
                "channel__external_id", flat=True
            )
        )
    except Exception:  # noqa: BLE001 - the database may be restarting
        connection.close()
        return False
    return all(account in held for account, *_rest in pending)


def fetch_json(url: str) -> Any:
    import httpx

    return httpx.get(url, timeout=60).json()


# --- Report -------------------------------------------------------------------------------------


def recovery_lines(
    watch: Watch,
    canary: dict[float, float],
    fault_window: float,
    network_faults: list[list[Any]],
) -> list[str]:
    """Per fault: web back (healthz 200 with a worker), first post due after it out, held posts."""

    lines = []
    moments = [moment for moment, _fault in watch.faults] + [float("inf")]
    for n, (moment, fault) in enumerate(watch.faults):
        until = min(moments[n + 1], moment + 120)
        after = [h for h in watch.healthz if moment <= h[0] < until]
        bad = [h for h in after if h[1] != 200 or h[2] != "ok"]
        web = "web never down"
        if bad:
            back = next((h for h in after if h[0] > bad[-1][0] and h[1] == 200), None)
            web = f"healthz ok again after {back[0] - moment:.1f} s" if back else "healthz not back"
        due_after = sorted((due, out) for due, out in canary.items() if due >= moment)
        first = f"first post due after it out after {due_after[0][1] - moment:.1f} s"
        if not due_after:
            first = "no canary post after it"
        line = f"{fault.kind:<17} {web}; {first}"
        held = watch.in_flight.get(moment)
        if held is not None:
            line += "; " + killed_worker_posts(moment, held, network_faults)
        lines.append(line)
    return lines


def killed_worker_posts(moment: float, held: set[int], network_faults: list[list[Any]]) -> str:
    """From the SIGKILL to the last of the posts the killed worker was publishing being out;
    apart, those whose account met an injected fault (429, 503, a dropped connection) on the
    way, which the retry policy then delays (a 429 for its reset, a 503 15-60 s)."""
    from klankbord.publishing.models import PostTarget

    if not held:
        return "the killed worker was publishing no post"
    killed_at = datetime.fromtimestamp(moment, UTC)
    rows = PostTarget.objects.filter(pk__in=held).values_list(
        "published_at", "channel__external_id"
    )
    out, clean = [], []
    for published, account in rows:
        if published is None:
            continue
        seconds = (published - killed_at).total_seconds()
        out.append(seconds)
        met = [
            kind
            for at, faulted, kind in network_faults
            if faulted == account and moment <= at <= published.timestamp()
        ]
        if not met:
            clean.append(seconds)
    text = f"the killed worker's {len(held)} started posts: "
    if len(out) < len(held):
        text += f"{len(out)} out" + (f", the last after {max(out):.1f} s" if out else "")
    else:
        text += f"all out within {max(out):.1f} s"
    if len(clean) < len(out):
        within = f"within {max(clean):.1f} s" if clean else "none"
        text += f" ({len(out) - len(clean)} met an injected fault on the way; the others {within})"
    return text


def mentions_lost(
    sent: list[list[Any]], stored: set[tuple[str, str]]
) -> tuple[list[Any], list[Any]]:
    """(lost, not read yet): a mention not stored is lost only when its source's cursor has
    passed it (the source believes it read it); before that it is waiting to be read."""
    from klankbord.listening.models import Source

    cursors = {
        external_id: int(cursor or 0)
        for external_id, cursor in Source.objects.filter(kind=Source.Kind.MENTIONS).values_list(
            "channel__external_id", "cursor"
        )
    }
    lost, pending = [], []
    for account, remote_id, notification, _when in sent:
        if (account, remote_id) in stored:
            continue
        passed = cursors.get(account, 0) >= int(notification)
        (lost if passed else pending).append((account, remote_id, notification))
    return lost, pending


def ingest_delays(sent: list[list[Any]]) -> list[float]:
    from klankbord.listening.models import Mention

    when = {(account, remote_id): moment for account, remote_id, _n, moment in sent}
    return [
        fetched.timestamp() - when[(account, remote_id)]
        for account, remote_id, fetched in Mention.objects.values_list(
            "source__channel__external_id", "remote_id", "fetched_at"
        )
        if (account, remote_id) in when
    ]


def pending_reasons(pending: list[Any]) -> str:
    from django.utils import timezone

    from klankbord.listening.models import Source

    now = timezone.now()
    reasons: Counter[str] = Counter()
    accounts = {account for account, *_rest in pending}
    for source in Source.objects.filter(
        kind=Source.Kind.MENTIONS, channel__external_id__in=accounts
    ):
        if source.lease_until and source.lease_until > now:
            left = (source.lease_until - now).total_seconds()
            reasons[f"leased by a poll that never finished ({left:.0f} s left)"] += 1
        elif source.next_poll_at > now:
            reasons[f"backing off after {source.failures} failures"] += 1
        else:
            reasons["due now"] += 1
    return ", ".join(f"{count} sources {reason}" for reason, count in reasons.items())


def database_size_lines(orgs: int) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 8"
        )
        biggest = cursor.fetchall()
    lines = [f"database size: {total / 1e6:.1f} MB for {orgs} organisations"]
    lines.append(
        "biggest tables: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in biggest)
    )
    return lines


def table_bytes(names: Iterable[str]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relname = ANY(%s) AND c.relkind = 'r'",
            [list(names)],
        )
        return int(cursor.fetchone()[0])


def report(
    args: argparse.Namespace,
    world: World,
    start: float,
    watch: Watch,
    network: dict[str, Any],
    load: list[Any],
    empty_bytes: int,
    cluster_machines: list[Machine],
) -> int:
    from django.db.models import Count

    from klankbord.listening.models import Mention
    from klankbord.publishing.models import PostTarget

    targets = list(
        PostTarget.objects.values_list(
            "pk",
            "status",
            "scheduled_at",
            "published_at",
            "text",
            "post__organisation_id",
            "attempts",
        )
    )
    ordinary = [t for t in targets if t[5] != world.canary_org]
    canary = {
        t[2].timestamp(): t[3].timestamp() if t[3] else float("inf")
        for t in targets
        if t[5] == world.canary_org
    }
    published_texts = [text for _account, text, _created in network["posts"]]
    on_network = set(published_texts)
    dupes = duplicates(published_texts)
    missing = [t for t in targets if t[1] != "published" or t[4] not in on_network]
    lateness = [(t[3] - t[2]).total_seconds() for t in ordinary if t[3] is not None]
    first_try = [(t[3] - t[2]).total_seconds() for t in ordinary if t[3] is not None and t[6] == 1]
    created = {(account, remote_id) for account, remote_id, _n, _t in network["mentions"]}
    stored = list(Mention.objects.values_list("source__channel__external_id", "remote_id"))
    stored_set = set(stored)
    lost, pending = mentions_lost(network["mentions"], stored_set)
    mention_dupes = (
        Mention.objects.values("organisation_id", "remote_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    statuses = Counter(t[1] for t in ordinary)
    last_out = max((t[3] for t in ordinary if t[3] is not None), default=None)
    first_due = min((t[2] for t in ordinary), default=None)

    print()
    print("=" * 78)
    mode = "burst (all due at once)" if args.burst else "steady"
    print(
        f"scale: {world.posts} posts ({mode}) over {args.duration:.0f} s, "
        f"{args.orgs} organisations, {args.channels} channels, "
        f"{args.users} users (think {args.think:.0f} s), "
        f"{args.mention_rate:g} mentions/s"
    )
    print(
        f"machines: {args.web} web x {args.web_workers} gunicorn workers behind HAProxy, "
        f"{args.workers} workers x {args.concurrency}, 1 beat; PostgreSQL, Redis; "
        f"{os.cpu_count()} cores"
    )
    print(f"network faults: {dict(network['counts'])}")
    print(f"statuses: {dict(statuses)}")
    print(f"posts published: {statuses.get('published', 0)} of {world.posts}")
    print(f"duplicates: {dupes}")
    print(f"missing: {len(missing)}")
    if missing:
        print("  e.g. " + "; ".join(f"{t[0]} {t[1]}" for t in missing[:5]))
    if lateness:
        print(
            f"lateness s: p50 {percentile(lateness, 0.5):.1f}  p99 {percentile(lateness, 0.99):.1f}"
            f"  max {max(lateness):.1f}   (first attempt only: p50 "
            f"{percentile(first_try, 0.5):.1f}  p99 {percentile(first_try, 0.99):.1f}"
            f"  max {max(first_try, default=0):.1f})"
        )
    if args.burst and last_out and first_due:
        seconds = (last_out - first_due).total_seconds()
        rate = statuses.get("published", 0) / seconds if seconds > 0 else 0
        print(
            f"throughput: {rate:.1f} posts/s in {seconds:.1f} s from due to last published, "
            f"{rate / args.workers:.1f} per worker"
        )
    print(
        f"mentions: {len(created)} sent, {len(stored_set & created)} stored, lost {len(lost)}, "
        f"stored twice {mention_dupes}, not read yet {len(pending)}"
    )
    if pending:
        print(f"  not read yet, by source: {pending_reasons(pending)}")
    delays = ingest_delays(network["mentions"])
    if delays:
        print(
            f"mention ingest delay s (sent to stored): p50 {percentile(delays, 0.5):.1f}  "
            f"p99 {percentile(delays, 0.99):.1f}  max {max(delays):.1f}"
        )
    windows = [(moment, moment + args.fault_window) for moment, _fault in watch.faults]
    samples = [(s[0], s[1], s[2]) for s in load]
    during, outside = split_by_windows(samples, windows)
    if load:
        print(f"pages during faults ({args.fault_window:.0f} s after each): {page_figures(during)}")
        print(f"pages outside faults: {page_figures(outside)}")
        by_kind: dict[str, list[float]] = defaultdict(list)
        for s in load:
            if s[2] == 200:
                by_kind[s[3]].append(s[1])
        print(
            "  p95 by page: "
            + ", ".join(
                f"{kind} {percentile(v, 0.95) * 1000:.0f} ms" for kind, v in sorted(by_kind.items())
            )
        )
        codes = Counter(s[2] for s in load if s[2] != 200)
        if codes:
            print(f"  errors by status (0 = no answer): {dict(codes)}")
    for line in recovery_lines(watch, canary, args.fault_window, network.get("faults", [])):
        print(f"recovery: {line}")
    baseline = [
        out - due for due, out in canary.items() if not in_windows(due, windows) and out < 1e18
    ]
    if baseline:
        print(f"canary lateness outside faults: p50 {percentile(baseline, 0.5):.1f} s")
    for line in database_size_lines(args.orgs):
        print(line)
    post_bytes = table_bytes(["publishing_post", "publishing_posttarget"])
    mention_bytes = table_bytes(["listening_mention", "listening_mention_monitors", "inbox_item"])
    total = len(targets)
    database = database_bytes()
    rest = database - empty_bytes - post_bytes - mention_bytes
    print(
        f"the rest (organisations, members, channels, sources, sessions, audit): "
        f"{rest / max(1, args.orgs):.0f} bytes per organisation"
    )
    print(
        f"per post (post + target rows, indexes): {post_bytes / max(1, total):.0f} bytes; "
        f"per mention (with inbox item, indexes): {mention_bytes / max(1, len(stored)):.0f} bytes; "
        f"empty schema {empty_bytes / 1e6:.1f} MB"
    )
    print("=" * 78)
    for machine in cluster_machines:
        if machine.crashes:
            print(f"{machine.name} exited by itself {len(machine.crashes)} times (restarted)")
    failed = dupes or missing or lost or mention_dupes
    print("FAILED" if failed else "OK: every post once, no mention lost")
    return 1 if failed else 0


# --- Main ---------------------------------------------------------------------------------------


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", default="driver", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--posts", type=int, default=2000, help="posts due over the window")
    parser.add_argument("--duration", type=float, default=240, help="seconds of the window")
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--channels", type=int, default=400)
    parser.add_argument("--users", type=int, default=200, help="concurrent signed-in users")
    parser.add_argument("--think", type=float, default=20, help="mean seconds between clicks")
    parser.add_argument("--mention-rate", type=float, default=2, help="mentions per second")
    parser.add_argument(
        "--poll-interval", type=int, default=300, help="seconds between polls of a source"
    )
    parser.add_argument("--web", type=int, default=2, help="web machines")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per web")
    parser.add_argument("--workers", type=int, default=3, help="worker machines")
    parser.add_argument("--concurrency", type=int, default=4, help="tasks per worker machine")
    parser.add_argument("--instances", type=int, default=4, help="fake Mastodon servers")
    parser.add_argument("--rate-drop", type=float, default=0.10)
    parser.add_argument("--rate-429", type=float, default=0.05)
    parser.add_argument("--rate-503", type=float, default=0.05)
    parser.add_argument("--ratelimit-reset", type=float, default=20, help="seconds a 429 lasts")
    parser.add_argument(
        "--create-latency", type=float, default=0.3, help="seconds a fake create takes"
    )
    parser.add_argument("--no-faults", action="store_true", help="no kills or restarts")
    parser.add_argument("--fault-window", type=float, default=15, help="seconds after a fault")
    parser.add_argument("--drain", type=float, default=600, help="max seconds to settle after")
    parser.add_argument("--lead", type=float, default=20, help="seconds before the first is due")
    parser.add_argument(
        "--burst",
        action="store_true",
        help="throughput: every post due at once, no faults, no page load, no mentions",
    )
    parser.add_argument(
        "--tier",
        default="fast",
        choices=("fast", "auto", "accurate"),
        help="language tier for mentions (auto loads the accurate model in every worker process)",
    )
    parser.add_argument("--database", default="klankbord_cluster")
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "klankbord-cluster"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args(argv)
    if args.burst:
        args.no_faults, args.users, args.mention_rate, args.duration = True, 0, 0, 5.0
        args.rate_drop = args.rate_429 = args.rate_503 = 0.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr] - progress in a log
    if args.role == "fake":
        run_fake(json.loads(Path(args.spec).read_text()))
        return 0
    if args.role == "load":
        run_load(json.loads(Path(args.spec).read_text()))
        return 0
    if not Path(HAPROXY).exists():
        sys.exit("HAProxy is missing: apt-get install haproxy")
    args.cache.mkdir(parents=True, exist_ok=True)
    run = Path(tempfile.mkdtemp(prefix="run-", dir=args.cache))
    cluster = Cluster(args=args, run=run, redis_port=args.redis_port)
    interrupted = False
    try:
        return drive(args, cluster)
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: stopping everything")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the cleanup
        cluster.stop_all()
        ensure_postgres_running()
        if not args.keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: BLE001,S110 - Django may not have started
                pass
            psql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            shutil.rmtree(run, ignore_errors=True)
        else:
            print(f"kept: database {args.database}, logs in {run}")
        if interrupted:
            print("stopped")


def drive(args: argparse.Namespace, cluster: Cluster) -> int:
    from cryptography.fernet import Fernet

    run = cluster.run
    print(f"building the wheel and {args.web + args.workers + 1} machines in {run} …", flush=True)
    wheel = build_wheel(args.cache / "wheel")
    ensure_postgres_running()
    psql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{args.database}"')
    cluster.start_redis()
    proxy_port = free_port()
    cluster.settings = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KLANKBORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{proxy_port}",
        "KLANKBORD_ALLOW_LOOPBACK_URLS": "true",
        "KLANKBORD_LOG_FORMAT": "json",
        "KLANKBORD_METRICS_TOKEN": secrets.token_urlsafe(20),
        "HTTP_TIMEOUT_SECONDS": "10",
        "KLANKBORD_LISTENING_TIER": args.tier,
        "DEBUG": "false",
    }
    web_ports = [free_port() for _ in range(args.web)]
    for n, port in enumerate(web_ports, start=1):
        cluster.add_machine(
            f"web{n}",
            wheel,
            [
                *("web", "--bind", f"127.0.0.1:{port}", "--workers", str(args.web_workers)),
                *("--access-logfile", "-", "--timeout", "60"),
            ],
        )
    for n in range(1, args.workers + 1):
        cluster.add_machine(f"worker{n}", wheel, ["worker", "--concurrency", str(args.concurrency)])
    beat = cluster.add_machine("beat", wheel, ["beat"])
    # As an operator would: migrate once from one machine.
    cluster.klankbord(beat, "migrate", "--verbosity", "0")
    setup_django(
        cluster.settings
        | {
            "KLANKBORD_DATA_DIR": str(run / "driver"),
            "KLANKBORD_ENV_FILE": beat.env["KLANKBORD_ENV_FILE"],
        }
    )
    empty_bytes = database_bytes()

    instance_ports = [free_port() for _ in range(args.instances + 1)]
    instance_urls = [f"http://127.0.0.1:{p}" for p in instance_ports]
    duration = 1.0 if args.burst else args.duration
    offsets = spread(args.posts, duration)
    print(f"filling: {args.orgs} organisations, {args.channels} channels, {args.posts} posts …")
    filled = time.monotonic()
    world = fill(args, instance_urls, offsets)
    print(f"  filled in {time.monotonic() - filled:.0f} s", flush=True)

    for name in [m for m in cluster.machines if m.startswith("web")]:
        cluster.klankbord(cluster.machines[name], "collectstatic", "--noinput", "--verbosity", "0")
        cluster.machines[name].start()
    (run / "haproxy.cfg").write_text(haproxy_config(proxy_port, web_ports, args.web_workers))
    cluster.spawn("haproxy", [HAPROXY, "-db", "-f", str(run / "haproxy.cfg")])
    base_url = f"http://127.0.0.1:{proxy_port}"
    import httpx

    wait_for(lambda: httpx.get(f"{base_url}/healthz").status_code == 200, 60, "the web machines")
    for name, machine in cluster.machines.items():
        if not name.startswith("web"):
            machine.start()
    wait_for(lambda: httpx.get(f"{base_url}/healthz").json()["worker"] == "ok", 90, "the workers")

    start_wall = time.time() + args.lead
    end_wall = start_wall + args.duration
    control_port = free_port()
    fake_spec = {
        "ports": instance_ports,
        "accounts": world.accounts,
        "rate_drop": args.rate_drop,
        "rate_429": args.rate_429,
        "rate_503": args.rate_503,
        "ratelimit_reset": args.ratelimit_reset,
        "create_latency": args.create_latency,
        "mention_rate": args.mention_rate,
        "mentions_from": start_wall,
        "mentions_until": end_wall,
        "control_port": control_port,
        "ready_file": str(run / "fake.ready"),
    }
    (run / "fake.json").write_text(json.dumps(fake_spec))
    me = [sys.executable, str(Path(__file__).resolve())]
    cluster.spawn("fake", [*me, "--role", "fake", "--spec", str(run / "fake.json")])
    wait_for((run / "fake.ready").exists, 30, "the fake networks")
    load_out = run / "load.json"
    if world.users and args.users:
        load_spec = {
            "base_url": base_url,
            "users": world.users[: args.users],
            "think": args.think,
            "from": start_wall,
            "until": end_wall,
            "out": str(load_out),
        }
        (run / "load-spec.json").write_text(json.dumps(load_spec))
        load_process = cluster.spawn(
            "load", [*me, "--role", "load", "--spec", str(run / "load-spec.json")]
        )
    else:
        load_process = None

    shift_posts(datetime.fromtimestamp(start_wall, UTC))
    watch = Watch()
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_healthz, args=(f"{base_url}/healthz", watch, stop), daemon=True
    )
    watcher.start()
    threading.Thread(target=supervise, args=(cluster, stop), daemon=True).start()
    faults = [] if args.no_faults else fault_schedule(args.duration, args.workers)
    print(
        f"window: {args.duration:.0f} s from {clock(start_wall)}"
        f", faults at {[f.at for f in faults]} s",
        flush=True,
    )
    while time.time() < start_wall:
        time.sleep(0.2)
    for fault in faults:
        while time.time() < start_wall + fault.at:
            time.sleep(0.2)
        apply_fault(cluster, fault, watch)
    while time.time() < end_wall:
        time.sleep(0.5)
    print(f"  {clock()} window over; settling …", flush=True)
    deadline = time.time() + args.drain
    while time.time() < deadline:
        if unsettled() == 0 and mentions_settled(
            fetch_json(f"http://127.0.0.1:{control_port}/dump")
        ):
            break
        time.sleep(3)
    print(f"  {clock()} settled", flush=True)
    stop.set()
    network = fetch_json(f"http://127.0.0.1:{control_port}/dump")
    load: list[Any] = []
    if load_process is not None:
        load_process.wait(timeout=120)
        load = json.loads(load_out.read_text()) if load_out.exists() else []
    metrics = httpx.get(
        f"{base_url}/metrics",
        headers={"Authorization": f"Bearer {cluster.settings['KLANKBORD_METRICS_TOKEN']}"},
    )
    print(f"/metrics through the proxy: HTTP {metrics.status_code}, {len(metrics.text)} bytes")
    return report(
        args, world, start_wall, watch, network, load, empty_bytes, list(cluster.machines.values())
    )


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    sys.exit(main())
