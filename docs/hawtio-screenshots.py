#!/usr/bin/env python3
"""Screenshots of Hawtio's Camel views of the inventory flow, for docs/.

Run (the application up: ./mvnw spring-boot:test-run, after a few inventory lookups):
    python3 docs/hawtio-screenshots.py [http://localhost:8080] [docs]

Python 3 standard library only: it drives Debian's chromium through chromedriver's W3C WebDriver HTTP API.
Writes hawtio-inventory-route-diagram.png (inventory-lookup), hawtio-inventory-erp-batch-route-diagram.png and
hawtio-inventory-routes.png (the route table), 1600x1000 CSS pixels at device scale 2.

Each diagram is opened in a fresh page by selecting the route's MBean in the JMX tree and then switching to Camel:
opening Camel directly selects the context's "routes" folder and draws the diagram of all routes first, which fails
in Hawtio 5.2.0 (dagre "Cannot read properties of undefined (reading 'weight')": a route whose first element is not
<from>, such as the enrichment routes' <errorHandler>, gets an edge from the node id ""), and Hawtio keeps that
graph for the page's lifetime, so every later diagram in the page fails too.
"""
import base64
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080").rstrip("/")
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
HAWTIO = BASE + "/actuator/hawtio"
WIDTH, HEIGHT = 1600, 1000
STATS_POLL = 6  # seconds: Hawtio polls Jolokia every 5 s; one poll after the view is drawn


class Browser:
    def __init__(self, driver_url, profile):
        self.driver_url = driver_url
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=en",
                f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}", "--force-device-scale-factor=2"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": shutil.which("chromium") or shutil.which("chromium-browser"), "args": args}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]
        # the window includes the (headless) browser's frame: size it so that the page gets WIDTH x HEIGHT
        inner = self.js("return [window.innerWidth, window.innerHeight]")
        rect = self.s("GET", "/window/rect")
        self.s("POST", "/window/rect", {"width": rect["width"] + WIDTH - inner[0],
                                        "height": rect["height"] + HEIGHT - inner[1]})

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.driver_url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{method} {path}: {e.read().decode()[:300]}") from None

    def s(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def quit(self):
        self._call("DELETE", f"/session/{self.session}")

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def xpath(self, xp):
        return self.s("POST", "/elements", {"using": "xpath", "value": xp})

    def click(self, element):
        self.s("POST", f"/element/{next(iter(element.values()))}/click", {})

    def shot(self, path):
        Path(path).write_bytes(base64.b64decode(self.s("GET", "/screenshot")))
        print("wrote", path)

    def node(self, label):
        """A node of Hawtio's tree (JMX or Camel), by its label."""
        return self.xpath(f"//button[contains(@class,'tree-view__node-text')][normalize-space(.)='{label}']")

    def expand(self, label):
        wait(lambda: self.node(label), f"tree node {label}")
        self.js("""const li = arguments[0].closest('li');
                   if (li.getAttribute('aria-expanded') !== 'true') li.querySelector('[class*=node-toggle]').click();""",
                self.node(label)[0])


def wait(condition, what, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise TimeoutError(f"waited {timeout} s for {what}")


def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def diagram(b, route_id, path):
    b.go("about:blank")
    b.go(HAWTIO + "/jmx")
    for label in ["org.apache.camel", "Camel Contexts", "mangaassist", "routes", "inventory"]:
        b.expand(label)
    wait(lambda: b.node(route_id), route_id)
    b.click(b.node(route_id)[0])
    wait(lambda: "nid=" in b.js("return location.href"), "the JMX selection")
    b.click(b.xpath("//a[normalize-space(.)='Camel']")[0])
    count = lambda: b.js("return document.querySelectorAll('.react-flow__node').length")
    failed = lambda: b.js("""return [...document.querySelectorAll('[class*=empty-state__title]')]
                             .some(e => e.textContent.includes('Error'))""")
    wait(lambda: count() > 0 or failed(), f"the diagram of {route_id}")
    if failed():
        raise RuntimeError(f"Hawtio could not draw the diagram of {route_id}")
    time.sleep(STATS_POLL)
    b.shot(path)


def route_table(b, path):
    b.go("about:blank")
    b.go(HAWTIO + "/camel/routes")
    b.expand("inventory")
    wait(lambda: b.js("return document.querySelectorAll('table tbody tr').length"), "the route table")
    first = lambda: b.js("return document.querySelector('table tbody tr').innerText.trim().split(/\\s+/)[0]")
    for _ in range(3):  # sort by name, descending: the inventory routes first
        if first() == "inventory-lookup":
            break
        b.click(b.xpath("//th//button[normalize-space(.)='Name']")[0])
        time.sleep(1)
    b.click(b.s("POST", "/elements", {"using": "css selector", "value": "[class*=masthead__toggle] button"})[0])
    time.sleep(STATS_POLL)
    b.shot(path)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    driver = subprocess.Popen([shutil.which("chromedriver"), f"--port={port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    profile = tempfile.mkdtemp(prefix="hawtio-screenshots-")
    try:
        wait(lambda: listening(port), "chromedriver")
        b = Browser(f"http://127.0.0.1:{port}", profile)
        try:
            diagram(b, "inventory-lookup", OUT / "hawtio-inventory-route-diagram.png")
            diagram(b, "inventory-erp-batch", OUT / "hawtio-inventory-erp-batch-route-diagram.png")
            route_table(b, OUT / "hawtio-inventory-routes.png")
        finally:
            b.quit()
    finally:
        driver.terminate()
        driver.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
