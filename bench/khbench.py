"""Shared helpers of the Python bench scripts (bench/import, bench/province, bench/dashboards):
start the release server on a fresh database, sign in, drive the real import over HTTP,
generate province-sized files or a whole province (`generate-province`). Standard library only,
so a bench needs nothing but python3 and the server binary.
"""

import http.cookiejar
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DEMO_PASSWORD = "khuyenhoc2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The release binary on a fresh SQLite database in `work` (demo data: the admin `quantri`
    is scoped to the province `51`). `db_name` picks another database file in `work` (one
    `generate_province` wrote, say); `demo=False` starts without demo data."""

    def __init__(self, binary, work, extra_env=None, db_name="bench.db", demo=True):
        self.work = work
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db_path = os.path.join(work, db_name)
        env = dict(os.environ)
        env.update({
            "LEPTOS_OUTPUT_NAME": env.get("LEPTOS_OUTPUT_NAME", "khuyen-hoc"),
            "LEPTOS_SITE_ROOT": env.get("LEPTOS_SITE_ROOT", os.path.join(ROOT, "target/site")),
            "LEPTOS_SITE_PKG_DIR": env.get("LEPTOS_SITE_PKG_DIR", "pkg"),
            "LEPTOS_SITE_ADDR": f"127.0.0.1:{self.port}",
            "KH_DEMO": "true" if demo else "false",
            "KH_DATABASE_URL": f"sqlite://{self.db_path}",
            "KH_MAX_UPLOAD_MB": "64",
            "RUST_LOG": env.get("RUST_LOG", "warn,app::features::imports=info"),
        })
        env.update(extra_env or {})
        log_name = ("server.log" if db_name == "bench.db"
                    else f"server-{os.path.splitext(db_name)[0]}.log")
        self.log_path = os.path.join(work, log_name)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit("the server died:\n" + open(self.log_path).read())
            try:
                urllib.request.urlopen(self.base + "/health", timeout=2).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        sys.exit("the server did not start:\n" + open(self.log_path).read())

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def rss_kb(self):
        """The server's resident memory now, in KB (VmRSS)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return int(fields["VmRSS"].split()[0])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class Client:
    """A signed-in browser-like client (cookie jar, same-origin headers)."""

    def __init__(self, base, username, password=DEMO_PASSWORD):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        body = urllib.parse.urlencode({"username": username, "password": password}).encode()
        status, answer = self.request("POST", "/api/login", body,
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Accept": "application/json"})
        if status != 200:
            sys.exit(f"sign-in of {username} failed ({status}): {answer[:300]}")

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def request(self, method, path, body=None, headers=None, timeout=600):
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers={"Origin": self.base, **(headers or {})})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def api(self, endpoint, payload):
        status, text = self.request("POST", "/api/" + endpoint, json.dumps(payload).encode(),
                                    {"Content-Type": "application/json"})
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def upload(self, kind, filename, data):
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{filename}\"\r\nContent-Type: text/csv\r\n\r\n").encode() + data + \
            f"\r\n--{boundary}--\r\n".encode()
        status, text = self.request("POST", f"/import/upload?kind={kind}", body,
                                    {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status, (json.loads(text) if text.startswith("{") else text)

    def import_file(self, kind, filename, data):
        """Upload, preview, commit; returns the three durations (s) and the outcome."""
        t0 = time.perf_counter()
        status, uploaded = self.upload(kind, filename, data)
        t1 = time.perf_counter()
        if status != 200:
            sys.exit(f"upload of {filename} failed ({status}): {str(uploaded)[:500]}")
        args = {"batch_id": uploaded["batch_id"], "kind": uploaded["kind"],
                "mapping": uploaded["suggested"]}
        status, preview = self.api("import/preview", args)
        t2 = time.perf_counter()
        if status != 200 or preview.get("error_count"):
            sys.exit(f"preview of {filename} failed ({status}): {str(preview)[:800]}")
        status, outcome = self.api("import/commit", args)
        t3 = time.perf_counter()
        if status != 200:
            sys.exit(f"commit of {filename} failed ({status}): {str(outcome)[:800]}")
        return (t1 - t0, t2 - t1, t3 - t2), outcome


# ----------------------------------------------------------------------------------------------
# Province-sized data

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
            "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Hà", "Trương", "Lương"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thanh", "Ngọc", "Hữu", "Thu", "Quang", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hùng", "Nam", "Phúc", "Sơn", "Tâm", "Trí", "Đạt", "Hải",
         "Hòa", "Khánh", "Long", "Thắng", "Tuấn", "Việt", "Lan", "Hoa", "Mai", "Hương", "Thảo",
         "Linh", "Nga", "Yến", "Trang", "Hạnh", "Nhung", "Phượng", "Xuân", "Thủy"]


def units_csv(districts, communes, villages):
    """An org-unit file under the demo province `51`: districts × communes × villages.
    Returns (csv bytes, list of village codes)."""
    lines = ["Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên"]
    village_codes = []
    for d in range(1, districts + 1):
        dc = f"B{d:02d}"
        lines.append(f"{dc},Huyện Thử {d},Huyện,51")
        for c in range(1, communes + 1):
            cc = f"{dc}-{c:02d}"
            lines.append(f"{cc},Xã Thử {d}.{c},Xã,{dc}")
            for v in range(1, villages + 1):
                vc = f"{cc}-{v:02d}"
                lines.append(f"{vc},Thôn {v},Thôn,{cc}")
                village_codes.append(vc)
    return ("\n".join(lines) + "\n").encode(), village_codes


def person(rng):
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def households_csv(village_codes, count, start=0, seed=1):
    """`count` distinct households spread evenly over `village_codes`, numbered from `start`
    (each has a unique household code, so files for the same villages never collide)."""
    rng = random.Random(seed)
    out = ["Mã thôn,Mã hộ,Họ tên chủ hộ,Địa chỉ,Điện thoại,Thành viên"]
    for i in range(start, start + count):
        village = village_codes[i % len(village_codes)]
        members = "; ".join(f"{person(rng)} ({rng.randint(1950, 2020)})"
                            for _ in range(rng.randint(0, 4)))
        out.append(f"{village},H{i:07d},{person(rng)},Số {i} đường {rng.randint(1, 60)},"
                   f"09{rng.randint(10000000, 99999999)},\"{members}\"")
    return ("\n".join(out) + "\n").encode()


def site_env():
    """The Leptos variables the release binary reads, as `Server` sets them."""
    return {
        "LEPTOS_OUTPUT_NAME": os.environ.get("LEPTOS_OUTPUT_NAME", "khuyen-hoc"),
        "LEPTOS_SITE_ROOT": os.environ.get("LEPTOS_SITE_ROOT", os.path.join(ROOT, "target/site")),
        "LEPTOS_SITE_PKG_DIR": os.environ.get("LEPTOS_SITE_PKG_DIR", "pkg"),
    }


def generate_province(binary, db_path, households, extra_args=()):
    """Runs `khuyenhoc-server generate-province` into a new database at `db_path`; returns the
    seconds it took and the lines it printed (its phases and their times)."""
    # RUST_LOG only if set: the generator's own default keeps sqlx's slow-statement warnings
    # (its statements run for seconds by design) out of its output.
    env = dict(os.environ, **site_env(), KH_DATABASE_URL=f"sqlite://{db_path}")
    t = time.perf_counter()
    done = subprocess.run([binary, "generate-province", "--households", str(households),
                           *extra_args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit(f"generate-province failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return took, done.stdout.splitlines()


def percentile(values, p):
    """The `p`th percentile of `values` (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def workdir(name):
    # Not /tmp: it may be tmpfs, where fsync is free and the figures would flatter.
    base = os.path.join(ROOT, "target")
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"bench-{name}.", dir=base)


def binary_arg():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/khuyenhoc-server")
    if not os.access(path, os.X_OK):
        sys.exit(f"no server binary at {path}: build it with `cargo build --release -p khuyenhoc-server`")
    return path


def cleanup(work):
    if os.environ.get("KEEP") != "1":
        shutil.rmtree(work, ignore_errors=True)
