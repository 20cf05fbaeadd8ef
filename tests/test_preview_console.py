"""What an editor reads in the console of `python build.py serve`: the real address, no request log, and a word
when a broken site is back. A real server process on 127.0.0.1, real HTTP requests."""

import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from conftest import ROOT, free_port


def lines_of(process):
    """A queue that receives each line the process prints."""
    found = queue.Queue()

    def read():
        for line in process.stdout:
            found.put(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return found


def wait_for(found, seen, words, timeout=60):
    """Read lines into `seen` until one holds `words`; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = found.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if words in line:
            return line
    raise AssertionError(f"no line with {words!r} in:\n" + "\n".join(seen))


def get(url):
    """The status of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_console_gives_the_real_address_no_request_log_and_says_when_the_site_is_back(tiny):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--project", str(tiny), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    try:
        found = lines_of(process)
        start = wait_for(found, seen, "Serving ")
        address = f"http://127.0.0.1:{port}/repo/"  # the site's base path, from site.yaml's base_url
        assert f"Serving {address} " in start
        assert get(address + "vi/") == 200 and get(address + "nowhere/") == 404
        data = tiny / "content" / "event.yaml"
        text = data.read_text(encoding="utf-8")
        data.write_text(text.replace("date: 2023-04-14", "date: 2023-02-30"), encoding="utf-8")
        wait_for(found, seen, "build failed")
        assert get(address + "vi/") == 500  # the error page, in the browser
        data.write_text(text, encoding="utf-8")
        wait_for(found, seen, "the site is back")
        assert get(address + "vi/") == 200
        time.sleep(0.5)
        while not found.empty():
            seen.append(found.get())
    finally:
        process.terminate()
        process.wait(timeout=10)
    requests = [line for line in seen if "GET " in line or ("/repo/" in line and "Serving" not in line)]
    assert requests == [], requests
