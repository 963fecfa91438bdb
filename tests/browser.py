"""Headless Chromium for the browser tests (not a test file; conftest.py's ``browser`` fixture).

Debian's ``chromium`` and ``chromium-driver`` at fixed paths (``make chromium`` installs them),
named explicitly so Selenium never runs selenium-manager and nothing is downloaded at run time.
Every page is cut off from the network: host names resolve to nothing and DevTools blocks any
http(s), ws(s) or ftp URL, while file:// and data: load as usual. Each request the page makes
(blocked or not) is still recorded, so a test can assert that a page asks for nothing:

    open_file(driver, path)
    assert network_requests(driver) == []
    assert console_errors(driver) == []

The logs are kept per page: ``open_file`` starts afresh, and the helpers below can be called
any number of times (Selenium hands out each log entry once; they are collected here).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

FLAGS = [
    "--headless=new",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
    "--disable-site-isolation-trials",  # iframes (a sandboxed srcdoc too) in the page's own
    "--disable-features=IsolateOrigins,site-per-process",  # target: its logs and BLOCKED hold
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no host name resolves (IP literals: BLOCKED)
]

# What the page may not load: everything that goes over a network (file:, data:, blob: stay).
BLOCKED = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]
# Schemes that never reach the network; a request for anything else counts as a network one.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:", "javascript:", "chrome:", "chrome-error:")


class _Logs:
    """What Chromium reported for the current page: console entries and requested URLs."""

    def __init__(self) -> None:
        self.console: list[dict] = []
        self.urls: list[str] = []


_logs: weakref.WeakKeyDictionary[webdriver.Chrome, _Logs] = weakref.WeakKeyDictionary()


def _collect(driver: webdriver.Chrome) -> _Logs:
    logs = _logs.setdefault(driver, _Logs())
    logs.console.extend(driver.get_log("browser"))
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            logs.urls.append(message["params"]["request"]["url"])
    return logs


def block_network(driver: webdriver.Chrome) -> None:
    """Make DevTools fail every http(s)/ws(s)/ftp request of the current tab (file:// loads)."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": BLOCKED})


def open_file(driver: webdriver.Chrome, path: str | os.PathLike[str]) -> str:
    """Load the local file ``path`` (waits for its load event); returns its file:// URL.

    Forgets the console entries and requests of the pages before.
    """
    url = Path(path).resolve().as_uri()
    _collect(driver)
    _logs[driver] = _Logs()
    driver.get(url)
    return url


def console_messages(driver: webdriver.Chrome) -> list[dict]:
    """Every console entry of the page opened last (dicts with 'level', 'message', 'source')."""
    return list(_collect(driver).console)


def console_errors(driver: webdriver.Chrome) -> list[dict]:
    """The page's SEVERE console entries: console.error, uncaught exceptions, failed loads.

    A request that BLOCKED stops logs nothing here: ``network_requests`` is what sees those.
    """
    return [e for e in console_messages(driver) if e["level"] == "SEVERE"]


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """Every URL the page opened last requested, itself first, blocked ones included."""
    urls = list(_collect(driver).urls)
    # Resource Timing as well, in case a request escaped the DevTools log.
    timed = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    return urls + [u for u in timed if u not in urls]


def network_requests(driver: webdriver.Chrome) -> list[str]:
    """The URLs among ``requested_urls`` that would have gone over a network (should be [])."""
    return [u for u in requested_urls(driver) if not u.startswith(LOCAL_SCHEMES)]


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat's fields from the state on ([] when gone): state, ppid, ... starttime."""
    try:
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its last ')'
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _spawned(pid: int) -> list[tuple[int, str]]:
    """The processes below ``pid`` (Linux /proc), each with its start time, to know it again."""
    stats = {int(d.name): _stat(int(d.name)) for d in Path("/proc").glob("[0-9]*")}
    found, todo = [], [pid]
    while todo:
        parent = str(todo.pop())
        below = [p for p, fields in stats.items() if fields[1:2] == [parent]]
        found += [(p, stats[p][19]) for p in below if len(stats[p]) > 19]
        todo += below
    return found


def _alive(pid: int, started: str) -> bool:
    fields = _stat(pid)
    return len(fields) > 19 and fields[19] == started and fields[0] not in ("Z", "X")


@contextlib.contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium, cut off from the network; quit, with all its processes, on exit."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="autograd-viz-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)  # a path given: selenium-manager is skipped
    offline = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # and should it ever run, it may not download
    driver = None
    try:
        driver = webdriver.Chrome(service=service, options=options)
        block_network(driver)
        driver.get("about:blank")  # not the new-tab page, which loads chrome:// resources
        yield driver
    finally:
        process = getattr(service, "process", None)
        spawned = _spawned(process.pid) if process else []
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.quit()
        with contextlib.suppress(Exception):
            service.stop()
        deadline = time.monotonic() + 5
        while any(_alive(*p) for p in spawned) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid, _ in [p for p in spawned if _alive(*p)]:  # only what this driver started
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if offline is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = offline
        shutil.rmtree(profile, ignore_errors=True)
