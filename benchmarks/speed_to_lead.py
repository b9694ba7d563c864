"""Speed to lead: a form post -> lead -> MQL -> routed -> signed webhook at a local receiver.

Starts `baton serve --with-worker` on a temporary SQLite file with a form, a team of three
reps, a playbook in which a form post is a hand-raiser (it qualifies at once) and a webhook
subscription to a receiver in this process; posts N form submissions with C clients at
once and measures, per lead, from the start of its POST to the arrival of its webhook.

    .venv/bin/python benchmarks/speed_to_lead.py --leads 1000 --clients 16

`--path outbox` measures only the delivery leg (POST /api/webhooks/{id}/test -> arrival),
for when the "lead enters mql -> route" wiring is not there.
"""

import argparse
import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import console, free_port, percentile, python, results_table, server, verdict

TARGET_P95 = 1.0
TOPICS = ["lead.assigned", "lead.queued"]


class Receiver:
    """A local webhook receiver: arrival time per lead id and per delivery id."""

    def __init__(self) -> None:
        self.by_lead: dict[int, float] = {}
        self.by_delivery: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived = time.perf_counter()
                lead_id = json.loads(body)["data"].get("lead_id")
                with receiver.lock:
                    receiver.by_lead.setdefault(lead_id, arrived)
                    receiver.by_delivery[self.headers["X-Baton-Delivery"]] = arrived
                    receiver.count += 1
                    receiver.lock.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float) -> None:
        with self.lock:
            self.lock.wait_for(lambda: self.count >= count, timeout)


def smtp_port() -> int:
    """A local SMTP server (aiosmtpd, a dev dependency) taking the reps' e-mails."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, _server, _session, _envelope) -> str:
            return "250 OK"

    port = free_port()
    Controller(Sink(), hostname="127.0.0.1", port=port).start()
    return port


def seed(url: str, hook_url: str) -> tuple[str, int]:
    """Users, a team of reps, a form, a hand-raiser playbook, the webhook; (token, hook id)."""
    from datetime import UTC, datetime

    from baton.db import make_engine, transaction
    from baton.migrations import upgrade
    from baton.playbooks import __file__ as playbooks_init
    from baton.schemas.forms import FormCreate
    from baton.schemas.programs import ProgramCreate
    from baton.schemas.teams import MemberCreate, TeamCreate
    from baton.schemas.webhooks import WebhookCreate
    from baton.services import playbooks, programs, teams, webhooks
    from baton.services.auth import Actor, add_user, create_token
    from baton.services.forms import create_form

    now = datetime.now(UTC)
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as s:
        admin = add_user(s, email="admin@bench.test", name="Admin", role="admin", now=now)
        s.flush()
        _, token = create_token(s, user=admin, name="bench", now=now)
        root = Actor(user_id=admin.id, role="admin", via="bench")
        signers = [
            add_user(s, email=f"{role}@bench.test", name=role, role=role, now=now)
            for role in ("marketing", "sales_manager")
        ]
        reps = [
            add_user(s, email=f"rep{n}@bench.test", name=f"Rep {n}", role="sales_rep", now=now)
            for n in range(3)
        ]
        s.flush()
        # The fallback team: it takes every lead that no territory covers (all of these).
        team = teams.create_team(
            s, data=TeamCreate(name="Sales", is_fallback=True), actor=root, now=now
        )
        for rep in reps:
            teams.add_member(
                s, team_id=team.id, data=MemberCreate(user_id=rep.id), actor=root, now=now
            )
        program = programs.create_program(
            s, data=ProgramCreate(name="Demo requests", channel="web"), actor=root, now=now
        )
        create_form(
            s, data=FormCreate(name="Demo", key="demo", program_id=program.id), actor=root, now=now
        )
        # A form post is a hand-raiser here: each submission becomes an MQL at once.
        text = (Path(playbooks_init).parent / "default.yaml").read_text()
        text = text.replace(
            "hand_raisers: [demo_request", "hand_raisers: [form_submit, demo_request"
        )
        text = text.replace("hand_raiser_fit_min: 10", "hand_raiser_fit_min: 0")
        version = playbooks.propose(s, text=text, note="bench", actor=root, now=now).version
        for user in signers:
            signer = Actor(user_id=user.id, role=user.role, via="bench")
            playbooks.approve(s, version=version, actor=signer, now=now)
        playbooks.activate(s, version=version, actor=root, now=now)
        hook = webhooks.create_webhook(
            s, data=WebhookCreate(url=hook_url, topics=TOPICS), actor=root, now=now
        )
        hook_id = hook.subscription.id
    engine.dispose()
    return token, hook_id


def post_all(base: str, n: int, clients: int, path: str, token: str, hook_id: int):
    """POST n times with `clients` threads; returns {key: start time} (email or delivery id)."""
    started: dict[str, float] = {}
    answered: dict[str, float] = {}
    errors: list[str] = []
    local = threading.local()

    def one(i: int) -> None:
        http = getattr(local, "http", None) or httpx.Client(timeout=60)
        local.http = http
        t = time.perf_counter()
        if path == "form":
            email = f"buyer{i}@company{i}.example"
            r = http.post(f"{base}/forms/demo", json={"email": email, "company": f"Co {i}"})
            key = email
        else:
            headers = {"Authorization": f"Bearer {token}"}
            r = http.post(f"{base}/api/webhooks/{hook_id}/test", headers=headers)
            key = r.json().get("idempotency_key", "") if r.status_code == 202 else ""
        if r.status_code >= 300:
            errors.append(f"{r.status_code} {r.text[:200]}")
        else:
            started[key], answered[key] = t, time.perf_counter()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(n)))
    return started, answered, errors


def lead_ids(url: str, emails: list[str]) -> dict[str, int]:
    from sqlalchemy import select

    from baton.db import make_engine
    from baton.models import Lead

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(Lead.email, Lead.id).where(Lead.email.in_(emails))).all()
    engine.dispose()
    return dict(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16, help="POSTs in flight at once")
    parser.add_argument("--poll", type=float, default=1.0, help="worker poll interval (s)")
    parser.add_argument("--path", choices=["form", "outbox"], default="form")
    parser.add_argument("--timeout", type=float, default=120, help="wait for webhooks (s)")
    args = parser.parse_args()

    receiver = Receiver()
    with tempfile.TemporaryDirectory(prefix="baton-stl-") as tmp:
        url = f"sqlite:///{tmp}/baton.db"
        token, hook_id = seed(url, receiver.url)
        port = free_port()
        env = {
            "BATON_DATABASE_URL": url,
            "BATON_WORKER_POLL_SECONDS": str(args.poll),
            "BATON_FORM_RATE_LIMIT_PER_MINUTE": str(10 * args.leads),
            "BATON_SMTP_HOST": "127.0.0.1",
            "BATON_SMTP_PORT": str(smtp_port()),
        }
        cmd = [python(), "-c", "from baton.cli import main; main()", "serve", "--port", str(port)]
        with server(cmd, port=port, env=env, log=Path(tmp) / "serve.log") as running:
            began = time.perf_counter()
            started, answered, errors = post_all(
                running.url, args.leads, args.clients, args.path, token, hook_id
            )
            posted = time.perf_counter() - began
            receiver.wait_for(len(started), args.timeout)
            total = time.perf_counter() - began
        if args.path == "form":
            ids = lead_ids(url, list(started))
            arrivals = {email: receiver.by_lead.get(ids.get(email)) for email in started}
        else:
            arrivals = {key: receiver.by_delivery.get(key) for key in started}
    latencies = sorted(a - started[k] for k, a in arrivals.items() if a is not None)
    responses = sorted(answered[k] - started[k] for k in started)
    after = sorted(a - answered[k] for k, a in arrivals.items() if a is not None)
    missing = len(started) - len(latencies)
    report(args, latencies, responses, after, missing, errors, posted, total)


def report(args, latencies, responses, after, missing, errors, posted, total) -> None:
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    title = (
        f"speed to lead ({args.path}): {args.leads} posts, {args.clients} clients, "
        f"worker poll {args.poll} s, SQLite, serve --with-worker"
    )
    rows = [
        ("p50 POST -> webhook", f"{p50 * 1000:,.0f} ms", "", ""),
        (
            "p95 POST -> webhook",
            f"{p95 * 1000:,.0f} ms",
            f"<= {TARGET_P95 * 1000:.0f} ms",
            verdict(p95, TARGET_P95, better="lower"),
        ),
        ("max", f"{(latencies[-1] if latencies else float('nan')) * 1000:,.0f} ms", "", ""),
        ("p50 / p95 POST answered", _ms(responses), "", ""),
        ("p50 / p95 answer -> webhook", _ms(after), "", ""),
        ("posting took", f"{posted:,.2f} s ({args.leads / posted:,.0f} posts/s)", "", ""),
        ("all webhooks in after", f"{total:,.2f} s", "", ""),
        ("webhooks missing", str(missing), "0", verdict(-missing, 0)),
        ("failed posts", str(len(errors)), "0", verdict(-len(errors), 0)),
    ]
    console.print(results_table(title, rows))
    if errors:
        console.print(f"first error: {errors[0]}")
    if missing and not latencies and args.path == "form":
        console.print(
            "no webhook arrived: is the 'lead enters mql -> route_lead' wiring in place? "
            "(--path outbox measures the delivery leg alone)"
        )


def _ms(values) -> str:
    return f"{percentile(values, 50) * 1000:,.0f} / {percentile(values, 95) * 1000:,.0f} ms"


if __name__ == "__main__":
    main()
