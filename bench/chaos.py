#!/usr/bin/env python3
"""Crash test: write bursts and imports against `lamtheo serve`, SIGKILL at random moments, restart, and
check that every write the client saw acknowledged survived and that every import is all-or-nothing.

Run through bench/chaos.sh (which builds the binary). Standard library only; loopback only; bounded in
rounds, requests and time. Exit status 1 on any loss, 2 when the server cannot be started.

Environment: LAMTHEO_BIN (binary), LAMTHEO_DATABASE_URL (PostgreSQL; default a temporary SQLite
directory), CHAOS_ROUNDS (default 5), CHAOS_SEED (default random), CHAOS_PORT (default 18631),
CHAOS_SELFTEST=1 (records one acknowledged write that never happened: the run must fail).
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BIN = os.environ.get("LAMTHEO_BIN", "target/debug/lamtheo")
DB_URL = os.environ.get("LAMTHEO_DATABASE_URL", "")
ROUNDS = int(os.environ.get("CHAOS_ROUNDS", "5"))
SEED = int(os.environ.get("CHAOS_SEED", str(random.SystemRandom().randrange(1 << 30))))
PORT = int(os.environ.get("CHAOS_PORT", "18631"))
BASE = f"http://127.0.0.1:{PORT}"
ADMIN_PASSWORD = "Chaos-Kiem-Thu-2026-Ben-Tre"
IMPORT_ROWS = 300
# Hard bounds: per burst, per request, and for the whole run.
BURST_MAX_SECONDS = 4.0
MAX_REQUESTS_PER_WORKER = 400
RUN_DEADLINE = time.monotonic() + 170

rng = random.Random(SEED)
# The API token of the round, taken before the burst starts (so that every burst writes from its start).
TOKEN = [None]


class Http:
    """Tiny JSON client. `call` returns (status, parsed body or text); a connection failure is status 0."""

    def __init__(self):
        self.token = None

    def call(self, method, path, body=None, raw=None, ctype=None, headers=None, timeout=20):
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        elif raw is not None:
            data = raw
            hdrs["Content-Type"] = ctype or "application/octet-stream"
        if self.token:
            hdrs.setdefault("Authorization", f"Bearer {self.token}")
        req = urllib.request.Request(BASE + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                status, text = r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return 0, None
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text


class Server:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.proc = None
        self.log = open(os.path.join(data_dir, "serve.log"), "ab")

    def start(self):
        env = dict(os.environ, LAMTHEO_ADMIN_PASSWORD=ADMIN_PASSWORD, LAMTHEO_LOG="warn")
        args = [BIN]
        if DB_URL:
            args += ["--database-url", DB_URL]
        else:
            args += ["--data-dir", self.data_dir]
        # --trust-proxy: public feedback is limited per address; each post names its own (loopback only).
        args += ["serve", "--listen", f"127.0.0.1:{PORT}", "--trust-proxy"]
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log, env=env)
        probe = Http()
        for _ in range(240):
            if self.proc.poll() is not None:
                break
            status, _ = probe.call("GET", "/healthz", timeout=2)
            if status == 200:
                return
            time.sleep(0.25)
        print("the server did not start; see", os.path.join(self.data_dir, "serve.log"))
        sys.exit(2)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()


def login(http):
    status, body = http.call("POST", "/api/v1/auth/token", {"username": "admin", "password": ADMIN_PASSWORD})
    if status != 200:
        raise SystemExit(f"login failed: {status} {body}")
    http.token = body["token"]


def must(status_body, what):
    status, body = status_body
    if not 200 <= status < 300:
        raise SystemExit(f"setup step failed ({what}): {status} {body}")
    return body


class Ledger:
    """Everything the client saw acknowledged, and every import attempted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.units = {}  # id -> code
        self.members = {}  # id -> card
        self.marks = {}  # (session id, member id) -> last acknowledged status
        # (session id, member id) -> statuses sent after the last acknowledgement (maybe committed, never
        # acknowledged: the server died with the answer on the way).
        self.in_flight = {}
        self.feedback = {}  # tracking code -> content
        self.imports = []  # (tag, acknowledged)
        self.attempts = 0
        self.acked = 0

    def add(self, kind, key, value):
        with self.lock:
            getattr(self, kind)[key] = value
            self.acked += 1


def setup(http, ledger):
    root = must(http.call("GET", "/api/v1/units"), "units")["items"][0]["code"]
    must(http.call("POST", "/api/v1/units", {"code": "CW", "name": "Đảng bộ Phường Thử Nghiệm",
                                             "type": "grassroots_committee", "parent_code": root}), "ward")
    for i in (1, 2):
        must(http.call("POST", "/api/v1/units", {"code": f"CW-C{i}", "name": f"Chi bộ Khu phố {i}",
                                                 "type": "cell", "parent_code": "CW"}), "cell")
    model = must(http.call("POST", "/api/v1/models", {
        "unit_code": "CW-C1", "name": "Mô hình thắp sáng đường quê", "field": "Dân vận",
        "started_on": "2024-01-15", "description": "Vận động nhân dân lắp đèn đường",
        "participants": "Chi hội", "participants_count": 30, "public": True}), "model")
    return model["id"]


def member_body(tag, n):
    return {"full_name": f"Nguyễn Văn Thử {tag} {n}", "unit_code": rng.choice(["CW-C1", "CW-C2"]),
            "gender": "male", "birth_date": "1985-04-12", "joined_on": "2010-05-19",
            "official_on": "2011-05-19", "card_number": f"9{tag}{n:03d}"[-8:].rjust(8, "9")}


def writer(kind, ledger, stop, model_id, session, round_no, worker):
    http = Http()
    http.token = TOKEN[0]
    n = 0
    while not stop.is_set() and n < MAX_REQUESTS_PER_WORKER:
        n += 1
        with ledger.lock:
            ledger.attempts += 1
        if kind == "member":
            tag = f"{round_no}{worker}{n:03d}"
            body = member_body(f"{round_no}{worker}", n)
            body["card_number"] = f"8{round_no}{worker}{n:05d}"
            status, resp = http.call("POST", "/api/v1/members", body)
            if status == 201 or (status == 200 and isinstance(resp, dict) and "id" in resp):
                ledger.add("members", resp["id"], body["card_number"])
            elif status == 0:
                return
        elif kind == "unit":
            code = f"CU{round_no}{worker}{n:03d}"
            status, resp = http.call("POST", "/api/v1/units", {"code": code, "name": f"Chi bộ thử {code}",
                                                               "type": "cell", "parent_code": "CW"})
            if 200 <= status < 300 and isinstance(resp, dict) and "id" in resp:
                ledger.add("units", resp["id"], code)
            elif status == 0:
                return
        elif kind == "mark" and session:
            sid, expected = session
            mid = rng.choice(expected)
            mark = rng.choice(["present", "late", "excused", "absent"])
            with ledger.lock:
                ledger.in_flight.setdefault((sid, mid), set()).add(mark)
            status, _ = http.call("PUT", f"/api/v1/study-sessions/{sid}/attendance",
                                  {"marks": [{"member_id": mid, "status": mark}]})
            if 200 <= status < 300:
                # Later acknowledged marks of the same member replace earlier ones (one writer per session).
                ledger.add("marks", (sid, mid), mark)
                with ledger.lock:
                    ledger.in_flight[(sid, mid)] = set()
            elif status == 0:
                return
            else:
                with ledger.lock:
                    ledger.in_flight[(sid, mid)].discard(mark)
        elif kind == "feedback":
            content = f"Đèn đường khu phố {round_no}-{worker}-{n} hỏng đã lâu, số nhà {rng.randrange(1, 999)}."
            addr = f"10.{round_no}.{worker}.{n % 250 + 1}"
            status, resp = http.call("POST", "/api/v1/public/feedback",
                                     {"subject_type": "model", "subject_id": model_id, "content": content},
                                     headers={"X-Forwarded-For": addr, "Authorization": ""})
            if status == 201 and isinstance(resp, dict) and resp.get("tracking_code"):
                ledger.add("feedback", resp["tracking_code"], content)
            elif status == 0:
                return


def importer(ledger, stop, round_no):
    http = Http()
    http.token = TOKEN[0]
    k = 0
    while not stop.is_set() and k < 40:
        k += 1
        tag = f"NK{round_no}{k:02d}"
        lines = ["Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,"
                 "Ngày chính thức,Chức vụ,Điện thoại"]
        for i in range(IMPORT_ROWS):
            lines.append(f"CW-C2,Trần Thị {tag} {i},01/02/1990,Nữ,7{round_no}{k:02d}{i:04d},,03/02/2015,03/02/2016,,")
        raw = ("\n".join(lines) + "\n").encode("utf-8")
        with ledger.lock:
            ledger.attempts += 1
            ledger.imports.append([tag, False])
            entry = ledger.imports[-1]
        status, body = http.call("POST", "/api/v1/import/members?filename=chaos.csv", raw=raw, ctype="text/csv")
        if status not in (0, 200):
            print(f"import {tag} refused: {status} {str(body)[:200]}")
        if 200 <= status < 300:
            with ledger.lock:
                entry[1] = True
                ledger.acked += 1
        elif status == 0:
            return


def verify(http, ledger):
    losses = []
    for uid, code in ledger.units.items():
        status, body = http.call("GET", f"/api/v1/units/{uid}")
        if status != 200 or body.get("code") != code:
            losses.append(f"unit {code} (id {uid}) acknowledged but {status} after restart")
    for mid, card in ledger.members.items():
        status, body = http.call("GET", f"/api/v1/members/{mid}")
        if status != 200 or body.get("card_number") != card:
            losses.append(f"member {mid} (card {card}) acknowledged but {status} after restart")
    sessions = {}
    for (sid, mid), mark in ledger.marks.items():
        if sid not in sessions:
            status, body = http.call("GET", f"/api/v1/study-sessions/{sid}")
            sessions[sid] = body if status == 200 else {}
        rows = sessions[sid].get("attendance") or sessions[sid].get("marks") or []
        got = next((r.get("status") for r in rows if r.get("member_id") == mid), None)
        if got != mark and got not in ledger.in_flight.get((sid, mid), set()):
            losses.append(f"mark of member {mid} at session {sid}: acknowledged {mark}, found {got}")
    for code, _content in ledger.feedback.items():
        status, _ = Http().call("GET", f"/cong-khai/phan-anh/{code}")
        if status != 200:
            losses.append(f"feedback {code} acknowledged but {status} after restart")
    for tag, acked in ledger.imports:
        status, body = http.call("GET", f"/api/v1/members?q={urllib.request.quote('Trần Thị ' + tag)}&per_page=500")
        found = body.get("total", -1) if status == 200 and isinstance(body, dict) else -1
        if found not in (0, IMPORT_ROWS):
            losses.append(f"import {tag}: {found} of {IMPORT_ROWS} rows present (not all-or-nothing)")
        if acked and found != IMPORT_ROWS:
            losses.append(f"import {tag} acknowledged but {found} of {IMPORT_ROWS} rows present")
    return losses


def main():
    if not os.path.exists(BIN):
        print(f"no binary at {BIN}")
        return 2
    data_dir = tempfile.mkdtemp(prefix="lamtheo-chaos-")
    server = Server(data_dir)
    ledger = Ledger()
    print(f"chaos: {ROUNDS} rounds, seed {SEED}, backend {'PostgreSQL' if DB_URL else 'SQLite'}, data {data_dir}")
    try:
        server.start()
        http = Http()
        login(http)
        model_id = setup(http, ledger)
        # A study session with a fixed expected list for the marks (members created before it).
        expected = []
        for n in range(12):
            body = member_body("0", n)
            body["card_number"] = f"60{n:06d}"
            resp = must(http.call("POST", "/api/v1/members", body), "member")
            expected.append(resp["id"])
            ledger.members[resp["id"]] = body["card_number"]
        session = must(http.call("POST", "/api/v1/study-sessions", {
            "unit_code": "CW", "date": "2026-11-20", "title": "Học tập chuyên đề (thử sập máy)"}), "session")
        sid = session["id"]
        if os.environ.get("CHAOS_SELFTEST"):
            # Proves the check can fail: a write "acknowledged" that never happened.
            ledger.members[10 ** 9] = "00000000"
        losses = []
        for rnd in range(1, ROUNDS + 1):
            if time.monotonic() > RUN_DEADLINE:
                print("time budget reached; stopping early")
                break
            TOKEN[0] = http.token
            stop = threading.Event()
            threads = [
                threading.Thread(target=writer, args=("member", ledger, stop, model_id, None, rnd, 1)),
                threading.Thread(target=writer, args=("member", ledger, stop, model_id, None, rnd, 2)),
                threading.Thread(target=writer, args=("unit", ledger, stop, model_id, None, rnd, 3)),
                threading.Thread(target=writer, args=("mark", ledger, stop, model_id, (sid, expected), rnd, 4)),
                threading.Thread(target=writer, args=("feedback", ledger, stop, model_id, None, rnd, 5)),
                threading.Thread(target=importer, args=(ledger, stop, rnd)),
            ]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.5, BURST_MAX_SECONDS))
            server.kill()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            server.start()
            http = Http()
            login(http)
            found = verify(http, ledger)
            print(f"round {rnd}: {ledger.attempts} writes attempted, {ledger.acked} acknowledged so far, "
                  f"{len(ledger.imports)} imports ({sum(1 for _, a in ledger.imports if a)} acknowledged), "
                  f"{len(found)} problems")
            losses = found
            if found:
                break
        print(f"acknowledged and checked: {len(ledger.members)} members, {len(ledger.units)} units, "
              f"{len(ledger.marks)} marks (latest of each), {len(ledger.feedback)} feedback posts, "
              f"{sum(1 for _, a in ledger.imports if a)} imports of {IMPORT_ROWS} rows")
        for line in losses[:50]:
            print("LOST:", line)
        if losses:
            print(f"FAIL: {len(losses)} acknowledged writes lost or partial imports (seed {SEED})")
            return 1
        print(f"OK: every acknowledged write survived {ROUNDS} kills; imports all-or-nothing (seed {SEED})")
        return 0
    finally:
        server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
