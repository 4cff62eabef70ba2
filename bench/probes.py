#!/usr/bin/env python3
"""Re-runs the hardening probes against a lamtheo city demo on loopback and prints one table.

  1. Peak RSS of the server while it receives a 22 KB XLSX bomb (one 20 MB shared string referenced by 100
     cells) and a ~2 MB XLSX holding 2 GB of whitespace in its sheet (member import, dry run, API).
  2. /healthz latency while 40 clients ask for the city-wide registration report and 150 parallel wrong
     passwords hit one account; how many of the 150 reached a password check (answered 401, not 429);
     whether the right password succeeds in the middle of the burst and just after it.
  3. Whether a client that sends its headers one byte at a time is dropped, and whether /healthz still
     answers with 600 idle connections open.

Run through bench/probes.sh. Standard library only; loopback only; every loop bounded.
Environment: LAMTHEO_BIN (binary to start a fresh city demo with), or PROBE_URL + PROBE_PID + PROBE_ACCOUNTS
(an already running demo: its address, process id and the file holding the accounts it printed).
"""

import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor

PORT = int(os.environ.get("PROBE_PORT", "18641"))
ADMIN_PASSWORD = "Probe-Kiem-Thu-2026-Ben-Tre"
VICTIM = "bithu.sd"  # the account the password burst aims at
BURST = 150
REPORT_CLIENTS = 40
LOAD_SECONDS = 20


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Target:
    def __init__(self):
        self.proc = None
        self.tmp = None
        if os.environ.get("PROBE_URL"):
            self.base = os.environ["PROBE_URL"].rstrip("/")
            self.pid = int(os.environ["PROBE_PID"])
            with open(os.environ["PROBE_ACCOUNTS"], encoding="utf-8") as f:
                self.accounts = parse_accounts(f.read())
            return
        binary = os.environ.get("LAMTHEO_BIN", "target/release/lamtheo")
        self.tmp = tempfile.mkdtemp(prefix="lamtheo-probes-")
        out = open(os.path.join(self.tmp, "serve.log"), "wb")
        env = dict(os.environ, LAMTHEO_ADMIN_PASSWORD=ADMIN_PASSWORD, LAMTHEO_LOG="warn")
        self.proc = subprocess.Popen([binary, "--data-dir", self.tmp, "serve", "--demo", "--listen",
                                      f"127.0.0.1:{PORT}",
                                      # Every probe client is 127.0.0.1: without this the per-address
                                      # connection cap (64) would close most of the bursts before they
                                      # reach the limits being measured.
                                      "--max-connections-per-address", "0"], stdout=out, stderr=out, env=env)
        self.pid = self.proc.pid
        self.base = f"http://127.0.0.1:{PORT}"
        log(f"starting a city demo ({binary}) in {self.tmp} …")
        for _ in range(1200):  # up to 10 minutes for the demo load
            if self.proc.poll() is not None:
                sys.exit(f"the server exited; see {self.tmp}/serve.log")
            if get_status(self.base + "/healthz", 2) == 200:
                break
            time.sleep(0.5)
        else:
            sys.exit("the demo server did not come up in 10 minutes")
        with open(os.path.join(self.tmp, "serve.log"), encoding="utf-8", errors="replace") as f:
            self.accounts = parse_accounts(f.read())
        self.accounts.setdefault("admin", ADMIN_PASSWORD)

    def rss_mb(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def alive(self):
        return os.path.exists(f"/proc/{self.pid}") and (self.proc is None or self.proc.poll() is None)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def parse_accounts(text):
    """The "Tài khoản mẫu:" table printed by `lamtheo serve --demo`: user name, password, role, …"""
    out = {}
    for m in re.finditer(r"^\s{2}(\S+)\s+(\S+)\s+(admin|office|secretary|inspector|member)\s", text, re.M):
        out[m.group(1)] = m.group(2)
    return out


def get_status(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return 0


def call(base, method, path, body=None, raw=None, token=None, timeout=120):
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif raw is not None:
        data = raw
        headers["Content-Type"] = "application/octet-stream"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e).encode()


def token(t, user):
    status, body = call(t.base, "POST", "/api/v1/auth/token", {"username": user, "password": t.accounts[user]})
    if status != 200:
        sys.exit(f"cannot log in as {user}: {status} {body[:200]!r}")
    return json.loads(body)["token"]


# ---------------------------------------------------------------- XLSX bombs

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
      '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
      'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
      'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
      '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
      'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
           '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://'
           'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"'
           '/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = '</sheetData></worksheet>'


def package(shared, sheet_writer):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        z.writestr("xl/sharedStrings.xml", shared)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            sheet_writer(f)
    return buf.getvalue()


def shared_string_bomb():
    big = "A" * (20 * 1024 * 1024)
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              f'2006/main" count="1" uniqueCount="1"><si><t>{big}</t></si></sst>')

    def sheet(f):
        f.write(SHEET_HEAD.encode())
        for r in range(1, 11):
            cells = "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>0</v></c>' for c in range(10))
            f.write(f'<row r="{r}">{cells}</row>'.encode())
        f.write(SHEET_TAIL.encode())

    return package(shared, sheet)


def whitespace_bomb(gigabytes=2):
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              '2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>')
    chunk = b" " * (8 * 1024 * 1024)

    def sheet(f):
        f.write(SHEET_HEAD.encode())
        f.write(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
        for _ in range(gigabytes * 128):
            f.write(chunk)
        f.write(SHEET_TAIL.encode())

    return package(shared, sheet)


def upload_with_rss(t, tok, name, data):
    peak = [t.rss_mb() or 0.0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            r = t.rss_mb()
            if r:
                peak[0] = max(peak[0], r)
            time.sleep(0.05)

    th = threading.Thread(target=sample)
    th.start()
    start = time.monotonic()
    status, body = call(t.base, "POST", f"/api/v1/import/members?filename={name}&dry_run=true", raw=data,
                        token=tok, timeout=180)
    took = time.monotonic() - start
    done.set()
    th.join()
    detail = ""
    try:
        detail = json.loads(body).get("detail", "")
    except (ValueError, AttributeError):
        detail = body[:80].decode("utf-8", "replace") if isinstance(body, bytes) else str(body)[:80]
    return peak[0], status, took, detail


# ---------------------------------------------------------------- load: report + password burst

def healthz_sampler(t, stop, out):
    while not stop.is_set():
        start = time.monotonic()
        status = get_status(t.base + "/healthz", 30)
        out.append((time.monotonic() - start) * 1000 if status == 200 else float("inf"))
        time.sleep(0.1)


def percentile(values, p):
    finite = sorted(values)
    if not finite:
        return float("nan")
    k = min(len(finite) - 1, int(round(p / 100 * (len(finite) - 1))))
    return finite[k]


def fmt_ms(v):
    return "∞ (no answer)" if v == float("inf") else f"{v:.0f} ms"


def load_probe(t, admin_tok):
    rows = []
    # Baseline.
    base = [call(t.base, "GET", "/healthz")[0] for _ in range(3)]
    lat = []
    for _ in range(10):
        s = time.monotonic()
        get_status(t.base + "/healthz", 10)
        lat.append((time.monotonic() - s) * 1000)
    rows.append(("/healthz idle, median", fmt_ms(statistics.median(lat)), f"statuses {set(base)}"))

    # 40 clients on the city-wide registration report.
    stop = threading.Event()
    samples = []
    sampler = threading.Thread(target=healthz_sampler, args=(t, stop, samples))
    sampler.start()
    counts = {"ok": 0, "other": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + LOAD_SECONDS

    def reporter():
        while time.monotonic() < deadline:
            status, _ = call(t.base, "GET", "/api/v1/registrations/report", token=admin_tok, timeout=60)
            with lock:
                counts["ok" if status == 200 else "other"] += 1

    threads = [threading.Thread(target=reporter) for _ in range(REPORT_CLIENTS)]
    for th in threads:
        th.start()
    time.sleep(LOAD_SECONDS / 2)
    # 150 parallel wrong passwords for one account, with the right one in the middle.
    right = t.accounts[VICTIM]
    attempts = [("wrong", f"sai-mat-khau-{i}") for i in range(BURST)]
    attempts.insert(BURST // 2, ("right", right))
    burst_samples_from = len(samples)

    def attempt(kind_pw):
        kind, pw = kind_pw
        status, _ = call(t.base, "POST", "/api/v1/auth/token", {"username": VICTIM, "password": pw}, timeout=120)
        return kind, status

    burst_start = time.monotonic()
    with ThreadPoolExecutor(max_workers=BURST + 1) as ex:
        results = list(ex.map(attempt, attempts))
    burst_took = time.monotonic() - burst_start
    burst_samples = samples[burst_samples_from:]
    for th in threads:
        th.join()
    stop.set()
    sampler.join()
    wrong = [s for k, s in results if k == "wrong"]
    right_status = next(s for k, s in results if k == "right")
    after_status, _ = call(t.base, "POST", "/api/v1/auth/token", {"username": VICTIM, "password": right})
    # A delay instead of a lock-out: the owner waits what the server asks (at most 90 s) and tries again.
    waited, later_status = 0, after_status
    while later_status == 429 and waited < 90:
        req = urllib.request.Request(t.base + "/api/v1/auth/token", method="POST",
                                     data=json.dumps({"username": VICTIM, "password": right}).encode(),
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                later_status = r.status
                break
        except urllib.error.HTTPError as e:
            later_status = e.code
            if e.code != 429:
                break
            pause = min(int(e.headers.get("Retry-After") or 15), 90 - waited)
            if pause <= 0:
                break
            time.sleep(pause)
            waited += pause
    rows.append((f"/healthz under {REPORT_CLIENTS} report clients + burst, p50 / p95 / max",
                 f"{fmt_ms(percentile(samples, 50))} / {fmt_ms(percentile(samples, 95))} / "
                 f"{fmt_ms(max(samples) if samples else float('nan'))}",
                 f"{len(samples)} samples; reports: {counts['ok']} × 200, {counts['other']} other in {LOAD_SECONDS} s"))
    rows.append(("/healthz during the password burst, max",
                 fmt_ms(max(burst_samples)) if burst_samples else "no sample",
                 f"burst of {BURST + 1} took {burst_took:.1f} s"))
    by = {}
    for s in wrong:
        by[s] = by.get(s, 0) + 1
    rows.append((f"{BURST} parallel wrong passwords for {VICTIM}: reached the password check (401)",
                 str(by.get(401, 0)), "answers " + ", ".join(f"{k} × {v}" for k, v in sorted(by.items()))))
    rows.append(("right password in the middle of the burst", str(right_status),
                 "200 = signed in after many wrong ones"))
    rows.append(("right password just after the burst", str(after_status),
                 "429 = not yet (see the next line)"))
    rows.append(("right password after waiting as told (Retry-After, ≤ 90 s)", str(later_status),
                 f"waited {waited} s; 429 = the owner is locked out"))
    return rows


# ---------------------------------------------------------------- slow headers, idle connections

def slow_header_probe(t, budget=45):
    host, port = t.base.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    dropped_after = None
    while time.monotonic() - start < budget:
        try:
            s.sendall(b"X")
            s.settimeout(2)
            try:
                data = s.recv(1)
                if data == b"" or data:
                    dropped_after = time.monotonic() - start
                    break
            except socket.timeout:
                pass
        except OSError:
            dropped_after = time.monotonic() - start
            break
    s.close()
    return dropped_after


def idle_connections_probe(t, n=600, hold=15):
    host, port = t.base.split("//")[1].split(":")
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection((host, int(port)), timeout=5))
        except OSError:
            break
    opened = len(socks)
    time.sleep(1)
    s0 = time.monotonic()
    status = get_status(t.base + "/healthz", 10)
    took = (time.monotonic() - s0) * 1000
    time.sleep(hold)
    still_open = 0
    for s in socks:
        try:
            s.setblocking(False)
            try:
                data = s.recv(1)
                if data:
                    still_open += 1
            except BlockingIOError:
                still_open += 1
        except OSError:
            pass
        finally:
            s.close()
    return opened, status, took, still_open


def main():
    t = Target()
    rows = []
    try:
        admin = "admin" if "admin" in t.accounts else next(iter(t.accounts))
        admin_tok = token(t, admin)
        rows.append(("server RSS at rest", f"{t.rss_mb():.0f} MB", ""))
        log("building the bombs …")
        bomb1 = shared_string_bomb()
        peak, status, took, detail = upload_with_rss(t, admin_tok, "bomb.xlsx", bomb1)
        rows.append((f"XLSX bomb: {len(bomb1) // 1024} KB, one 20 MB shared string × 100 cells — peak RSS",
                     f"{peak:.0f} MB", f"answer {status} in {took:.1f} s: {detail[:70]}"))
        if not t.alive():
            rows.append(("server after the first bomb", "DEAD", ""))
            return rows
        bomb2 = whitespace_bomb()
        peak, status, took, detail = upload_with_rss(t, admin_tok, "khoang-trang.xlsx", bomb2)
        rows.append((f"XLSX bomb: {len(bomb2) / 1e6:.1f} MB holding 2 GB of whitespace — peak RSS",
                     f"{peak:.0f} MB", f"answer {status} in {took:.1f} s: {detail[:70]}"))
        if not t.alive():
            rows.append(("server after the second bomb", "DEAD", ""))
            return rows
        log("report clients and the password burst …")
        rows += load_probe(t, admin_tok)
        log("slow headers …")
        dropped = slow_header_probe(t)
        rows.append(("client sending headers 1 byte/2 s",
                     f"dropped after {dropped:.0f} s" if dropped is not None else "still open after 45 s", ""))
        opened, status, took, still = idle_connections_probe(t)
        rows.append((f"{opened} idle connections: /healthz", f"{status} in {took:.0f} ms",
                     f"{still} of {opened} still open after 15 s"))
        rows.append(("server RSS at the end", f"{t.rss_mb():.0f} MB", ""))
        return rows
    finally:
        t.stop()


if __name__ == "__main__":
    table = main()
    w = max(len(r[0]) for r in table)
    print(f"{'probe'.ljust(w)}  {'result':<28}  note")
    print("-" * (w + 60))
    for name, result, note in table:
        print(f"{name.ljust(w)}  {result:<28}  {note}")
