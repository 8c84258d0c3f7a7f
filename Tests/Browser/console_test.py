#!/usr/bin/env python3
"""The web console in a real browser: headless Chromium driven by Selenium
against a real `ties serve` (TiesHTTP.docc/Console.md).

    Tests/Browser/console_test.py --ties .build/debug/ties [--out DIR]
    Tests/Browser/console_test.py --ties .build/release/ties --ledger BIG --record person:p-1 --key tk_…

Without --ledger it builds the demo ledger (`ties demo`) in a temporary
directory, adds a few commits over HTTP, and checks, at 1280×800 and
375×800: sign-in (a wrong and a revoked key are refused with the API's
words), a record's table and graph against the API, a walk to a
neighbour, the time slider (at every position the drawn links are the
API's answer as of that seq, marked against now), a look-up by email,
the timeline with a filter and before → after, a link's history, a
commit made by the CLI appearing in the live feed, the ledger view, an error's detail,
keyboard reach and no sideways scrolling at 375 px. Screenshots of each
view go to --out (default .build/console-test). It prints the page
weight, the first view's time and each slider step's time.

With --large N it builds a ledger of N events instead (`ties import` of a
generated workload: links, attribute changes and unlinks over 50,000
people, one of them, person:p-1, touched every few hundred events) and
only measures, on person:p-1: the first view and every slider step over
100 positions. With --ledger DIR --record REF --key KEY it measures so on
a ledger of your own.

Run by .ci/console-test, which installs Chromium and Selenium when missing.
Exits 1 on the first failed check, naming it.
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import StaleElementReferenceException

WAIT_SECONDS = 20
SIZES = {"wide": (1280, 800), "narrow": (375, 800)}
PAGE_WEIGHT_MAX = 150 * 1024


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class Server:
    """A `ties serve` child on a free port of 127.0.0.1; its access log goes to `log` (a pipe
    nobody read would fill and stop the server)."""

    def __init__(self, ties, ledger, log):
        self.log = open(log, "w")
        self.process = subprocess.Popen([ties, "serve", "--ledger", ledger, "--port", "0"],
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            with open(log) as written:
                found = re.search(r"on http://127\.0\.0\.1:(\d+)", written.read())
            if found:
                self.base = f"http://127.0.0.1:{found.group(1)}"
                return
            time.sleep(0.05)
        raise Failure(f"ties serve did not say where it listens (see {log})")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class API:
    """The HTTP API, as the checks ask it: the truth the page must show."""

    def __init__(self, base, key):
        self.base, self.key = base, key

    def call(self, method, path, query=None, body=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def get(self, path, **query):
        status, body = self.call("GET", path, query)
        check(status == 200, f"GET {path} {query} → {status} {body}")
        return body

    def links(self, record, as_of=None):
        """{type|from|to: attributes} of a record, both directions, as of a seq."""
        kind, rid = record.split(":", 1)
        query = {"direction": "both", "limit": 1000}
        if as_of is not None:
            query["asOf"] = as_of
        answer = self.get(f"/v1/records/{urllib.parse.quote(kind, safe='')}/{urllib.parse.quote(rid, safe='')}/relationships", **query)
        return {f"{l['relationshipTypeId']}|{l['from']}|{l['to']}": l["attributes"] for l in answer["relationships"]}


def ties(binary, *arguments):
    return subprocess.run([binary, *arguments], check=True, capture_output=True, text=True).stdout


def browser(out):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800",
                     "--disable-extensions", "--no-first-run", f"--user-data-dir={os.path.join(out, 'profile')}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    return driver


class Console:
    """The page in the browser, and what the checks read from it."""

    def __init__(self, driver, base, out):
        self.driver, self.base, self.out = driver, base, out
        self.shots = []

    def size(self, name):
        width, height = SIZES[name]
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": name == "narrow"})

    def wait(self, condition, what):
        try:
            # A view redrawn while it is read leaves stale elements: read it again.
            return WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException]).until(lambda d: condition())
        except Exception as error:
            banner = self.js("return document.getElementById('error').textContent")
            raise Failure(f"waiting for {what}: {type(error).__name__}; banner: {banner!r}; hash {self.js('return location.hash')}")

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def go(self, hash_, view):
        before = self.js("return document.getElementById('view').dataset.rendered || ''")
        self.js("location.hash = arguments[0]", hash_)
        self.wait(lambda: self.js("const m = document.getElementById('view'); return m.dataset.view === arguments[0] && m.dataset.rendered !== arguments[1]",
                                  view, before), f"the {view} view at {hash_}")

    def shoot(self, name):
        for size in SIZES:
            self.size(size)
            self.js("window.scrollTo(0, 0)")
            time.sleep(0.15)  # a frame for the layout at the new width
            if size == "narrow":
                overflow = self.js("return document.documentElement.scrollWidth - window.innerWidth")
                check(overflow <= 1, f"{name}: the page scrolls sideways by {overflow}px at 375px")
            path = os.path.join(self.out, f"{name}-{SIZES[size][0]}x{SIZES[size][1]}.png")
            self.driver.save_screenshot(path)
            self.shots.append(path)
        self.size("wide")

    def rows(self):
        """{link key: state} of the record view's table."""
        return {row.get_attribute("data-link"): row.get_attribute("data-state")
                for row in self.driver.find_elements(By.CSS_SELECTOR, "#links tr[data-link]")}

    def row_attributes(self, key):
        return self.js("return document.querySelector(`#links tr[data-link=\"${arguments[0]}\"] td:nth-child(2)`).textContent", key)

    def graph(self):
        """{neighbour: state} drawn in the graph."""
        return {node.get_attribute("data-record"): [c for c in node.get_attribute("class").split() if c.startswith("state-")][0][6:]
                for node in self.driver.find_elements(By.CSS_SELECTOR, "#graph a.node")}

    def banner(self):
        return self.js("const b = document.getElementById('error'); return b.hidden ? '' : b.textContent")


def other(record, key):
    _, source, target = key.split("|")
    return target if source == record else source


def expect_state_drawn(page, api, record, as_of):
    """The table and graph show the API's links as of `as_of`, marked against now."""
    then, now = api.links(record, as_of), api.links(record)
    rows = page.rows()
    drawn_then = {k for k, state in rows.items() if state != "added"}
    drawn_now = {k for k, state in rows.items() if state != "removed"}
    check(drawn_then == set(then), f"{record} as of {as_of}: drawn {sorted(drawn_then)}, the API says {sorted(then)}")
    check(drawn_now == set(now), f"{record} now: drawn {sorted(drawn_now)}, the API says {sorted(now)}")
    for key, state in rows.items():
        expected = ("added" if key not in then else "removed" if key not in now else "same" if then[key] == now[key] else "changed")
        check(state == expected, f"{key} as of {as_of} is marked {state}, should be {expected}")
    graph = page.graph()
    expected_nodes = {other(record, k) for k in rows}
    check(set(graph) == expected_nodes, f"graph nodes {sorted(graph)} ≠ {sorted(expected_nodes)}")
    for node, state in graph.items():
        states = {rows[k] for k in rows if other(record, k) == node}
        check(state == (states.pop() if len(states) == 1 else "changed"), f"graph node {node} is {state}, its links are {states}")


def first_view_ms(page, hash_, view, repeats):
    """Milliseconds from navigation start to the first view drawn, for a fresh load of `hash_`."""
    figures = []
    for _ in range(repeats):
        page.driver.get("about:blank")  # a new document each time, not a jump within one
        page.driver.get(page.base + "/" + hash_)
        page.wait(lambda: page.js("return document.getElementById('view').dataset.view === arguments[0]", view), f"the {view} view")
        figures.append(page.js("return performance.getEntriesByName('ties-first-view')[0].startTime"))
    return figures


def asked_once(page):
    """The first view's requests, started early by start.js, were each taken by the view, not asked again."""
    page.wait(lambda: page.driver.find_element(By.ID, "slider").get_attribute("data-ready"), "the slider's positions")
    asked = page.js("""return performance.getEntriesByType('resource').map((e) => new URL(e.name))
        .filter((u) => u.pathname.startsWith('/v1/')).map((u) => u.pathname + u.search)""")
    twice = sorted({target for target in asked if asked.count(target) > 1})
    check(not twice, f"the first view asked more than once for {twice}")
    check(any(target.endswith("/relationships?direction=both&limit=1000") for target in asked), f"the first view's links were not asked for: {asked}")


def page_weight(page):
    """(uncompressed, transferred) bytes of the page and the console's files, not counting API data."""
    entries = page.js("""return [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
        .filter((e) => e.entryType === 'navigation' || new URL(e.name).pathname.startsWith('/console/'))
        .map((e) => [e.name, e.decodedBodySize, e.encodedBodySize])""")
    return sum(e[1] for e in entries), sum(e[2] for e in entries), [e[0] for e in entries]


def slider_steps(page, count, each=lambda index, as_of: None):
    """Steps the slider from its right end leftwards with the keyboard, calling `each` at every
    position once it is drawn; answers each position's (index, asOfSeq, ms)."""
    page.wait(lambda: page.driver.find_element(By.ID, "slider").get_attribute("data-ready"), "the slider's positions")
    slider = page.driver.find_element(By.ID, "slider")
    top = int(slider.get_attribute("max"))
    steps = []
    for index in range(top - 1, max(-1, top - 1 - count), -1):
        slider.send_keys(Keys.ARROW_LEFT)
        page.wait(lambda: page.js("return document.getElementById('slider-status').dataset.index") == str(index), f"slider position {index}")
        status = page.js("const d = document.getElementById('slider-status').dataset; return [d.asOfSeq, d.stepMs]")
        steps.append((index, int(status[0]), float(status[1])))
        each(index, int(status[0]))
    return steps


def sign_in(page, key):
    field = page.driver.find_element(By.ID, "key")
    field.clear()
    field.send_keys(key, Keys.ENTER)


def summary(label, figures):
    return f"{label}: median {statistics.median(figures):.1f} ms, max {max(figures):.1f} ms over {len(figures)}"


# The one place that makes the commit the live feed must show: a CLI write,
# which `ties serve` takes through its serve.sock while it runs.
def write_for_live_feed(binary, ledger):
    answer = json.loads(ties(binary, "link", "placed/order", "person:grace", "order:o-live", "--ledger", ledger,
                             "--actor", "cli-writer", "--reason", "live feed check", "--json"))
    check(answer.get("created") is True and isinstance(answer.get("seq"), int), f"the live feed's CLI write answered {answer}")
    return answer["seq"]


def demo_ledger(binary, directory):
    """`ties demo`, then a person identifier, records and more links over HTTP (after the server starts)."""
    ledger = os.path.join(directory, "ledger")
    ties(binary, "demo", "--ledger", ledger)
    admin = ties(binary, "keys", "create", "--name", "console-admin", "--role", "admin", "--ledger", ledger).split()[0]
    revoked = ties(binary, "keys", "create", "--name", "console-gone", "--role", "read", "--ledger", ledger).split()[0]
    ties(binary, "keys", "revoke", "console-gone", "--ledger", ledger)
    ties(binary, "snapshot", "--ledger", ledger)
    return ledger, admin, revoked


def enrich(api):
    for method, path, body in [
        ("POST", "/v1/object-types", {"name": "person", "identifiers": [{"field": "email", "unique": True}]}),
        ("PUT", "/v1/records/person/grace", {"set": {"email": "grace@example.com", "name": "Grace"}}),
        ("PUT", "/v1/records/person/grace", {"set": {"name": "Grace Hopper"}, "reason": "full name"}),
        ("POST", "/v1/relationships", {"relationshipType": {"kind": "person_to_co", "role": "placed", "customObjectType": "order"},
                                       "personExternalId": "grace", "customObjectExternalId": "o-1002", "attributes": {"channel": "phone"}}),
        ("PATCH", "/v1/relationships", {"relationshipType": {"kind": "person_to_co", "role": "placed", "customObjectType": "order"},
                                        "personExternalId": "grace", "customObjectExternalId": "o-1001", "set": {"status": "paid"}}),
        ("PATCH", "/v1/relationships", {"relationshipType": {"kind": "person_to_co", "role": "placed", "customObjectType": "order"},
                                        "personExternalId": "grace", "customObjectExternalId": "o-1001", "set": {"status": "returned"},
                                        "actor": "support:ann", "reason": "customer returned it"}),
    ]:
        status, answer = api.call(method, path, body=body)
        check(status in (200, 201), f"{method} {path} → {status} {answer}")


def full_run(args, out, figures):
    scratch = tempfile.mkdtemp(prefix="ties-console-test-")
    ledger, key, revoked = demo_ledger(args.ties, scratch)
    server = Server(args.ties, ledger, os.path.join(out, "serve.log"))
    driver = None
    try:
        api = API(server.base, key)
        enrich(api)
        driver = browser(out)
        page = Console(driver, server.base, out)
        record = "order:o-1001"

        # Sign-in: the page asks for a key; a wrong and a revoked key are refused with the API's detail.
        driver.get(server.base + "/")
        page.wait(lambda: page.js("return document.getElementById('view').dataset.view") == "signin", "the sign-in form")
        page.shoot("signin")
        for wrong in ("tk_" + "0" * 48, revoked):
            sign_in(page, wrong)
            page.wait(lambda: "refused" in driver.find_element(By.ID, "sign-in-message").text, "the refusal of a wrong key")
            message = driver.find_element(By.ID, "sign-in-message").text
            check("the key is not valid or was revoked" in message, f"the refusal says {message!r}, not the API's detail")
        page.shoot("signin-refused")
        sign_in(page, key)
        page.wait(lambda: driver.find_elements(By.ID, "find"), "the record search after signing in")

        # The record: its table and graph are the API's links now.
        page.go(f"#/record/{urllib.parse.quote(record, safe='')}", "record")
        check(driver.find_element(By.ID, "record-title").text == record, "the record view's title")
        expect_state_drawn(page, api, record, None)
        check(set(page.rows().values()) == {"same"}, "now, nothing is marked")
        page.shoot("record")

        # Walk to a neighbour: click its node in the graph.
        neighbour = "person:grace"
        driver.find_element(By.CSS_SELECTOR, f'#graph a.node[data-record="{neighbour}"]').click()
        page.wait(lambda: driver.find_elements(By.ID, "record-title") and driver.find_element(By.ID, "record-title").text == neighbour, "the walk to person:grace")
        expect_state_drawn(page, api, neighbour, None)
        check("Grace Hopper" in driver.find_element(By.ID, "fields").text, "person:grace's fields")
        # …and back with the keyboard: focus the node, press Enter.
        driver.find_element(By.CSS_SELECTOR, f'#graph a.node[data-record="{record}"]').send_keys(Keys.ENTER)
        page.wait(lambda: driver.find_element(By.ID, "record-title").text == record, "the keyboard walk back")

        # The slider: every position drawn as the API's as-of answer, marked against now.
        marked = set()

        def drawn_as_the_api_says(index, as_of):
            expect_state_drawn(page, api, record, as_of)
            states = set(page.rows().values())
            if {"added", "removed"} <= states and not any("slider" in shot for shot in page.shots):
                page.shoot("slider")
            marked.update(states)

        steps = slider_steps(page, 100, drawn_as_the_api_says)
        check(len(steps) >= 5, f"order:o-1001 has {len(steps)} past positions, expected at least 5")
        check({"added", "removed", "changed"} <= set(marked), f"the walk over the slider marked only {sorted(marked)}")
        figures["slider steps (ms)"] = [ms for _, _, ms in steps]
        # A mouse drag to the left end draws the state before the first change: nothing linked yet.
        slider = driver.find_element(By.ID, "slider")
        webdriver.ActionChains(driver).click_and_hold(slider).move_by_offset(-(slider.size["width"] // 2) - 10, 0).release().perform()
        page.wait(lambda: page.js("return document.getElementById('slider-status').dataset.index") == "0", "the drag to the start")
        expect_state_drawn(page, api, record, int(page.js("return document.getElementById('slider-status').dataset.asOfSeq")))

        # Found by an identifier.
        find = driver.find_element(By.ID, "find")
        find.clear()
        find.send_keys("person[email=grace@example.com]", Keys.ENTER)
        page.wait(lambda: driver.find_elements(By.ID, "record-title") and driver.find_element(By.ID, "record-title").text == "person:grace", "the look-up by email")

        # The timeline: newest first as the audit answers; before → after; a filter.
        page.go(f"#/timeline/{urllib.parse.quote(record, safe='')}", "timeline")
        audit = api.get("/v1/audit", record=record, limit=20)
        seqs = [int(li.get_attribute("data-seq")) for li in driver.find_elements(By.CSS_SELECTOR, "#timeline > li")]
        check(seqs == [e["seq"] for e in audit["entries"]], f"timeline seqs {seqs} ≠ the audit's")
        returned = driver.find_element(By.CSS_SELECTOR, "#timeline > li:first-child").text
        check("status: paid → returned" in returned and "support:ann" in returned and "customer returned it" in returned,
              f"the newest entry shows no before → after, actor or reason: {returned!r}")
        page.shoot("timeline")
        driver.find_element(By.ID, "actor").send_keys("support", Keys.ENTER)
        page.wait(lambda: "actor=support" in page.js("return location.hash") and page.js("return document.getElementById('view').dataset.view") == "timeline"
                  and page.js("return [...document.querySelectorAll('#timeline .actor')].every((a) => a.textContent === 'support')"), "the actor filter")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#timeline > li")) == len(api.get("/v1/audit", record=record, actor="support")["entries"]),
              "the filtered timeline's length")

        # A link's history, opened from the timeline.
        driver.find_element(By.PARTIAL_LINK_TEXT, "link history").click()
        page.wait(lambda: page.js("return document.getElementById('view').dataset.view") == "link" and driver.find_elements(By.ID, "versions"), "the link view")
        parts = [urllib.parse.unquote(p) for p in page.js("return location.hash").split("/")[2:5]]
        story = api.get("/v1/relationships/history", relationshipType=parts[0], **{"from": parts[1], "to": parts[2]})
        drawn = [int(li.get_attribute("data-seq")) for li in driver.find_elements(By.CSS_SELECTOR, "#versions .events > li")]
        expected = [e["seq"] for v in reversed(story["versions"]) for e in v["events"]]
        check(drawn == expected, f"the link view shows events {drawn}, the API {expected}")
        check("ticket 4711" in driver.find_element(By.ID, "versions").text, "the unlink's reason")
        page.shoot("link")

        # The live feed: a new commit appears without a reload.
        page.go("#/feed", "feed")
        page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, "#feed > li"), "the recent commits")
        page.wait(lambda: "waiting" in driver.find_element(By.ID, "feed-status").text, "the long poll")
        started = time.monotonic()
        seq = write_for_live_feed(args.ties, ledger)
        page.wait(lambda: driver.find_elements(By.CSS_SELECTOR, f'#feed > li[data-seq="{seq}"]'), f"seq {seq} in the live feed")
        figures["live feed: commit to screen (ms)"] = [(time.monotonic() - started) * 1000]
        check(driver.find_element(By.CSS_SELECTOR, "#feed > li:first-child").get_attribute("data-seq") == str(seq), "the newest commit is on top")
        page.shoot("feed")

        # The ledger: counts, types with cardinality and labels, health.
        page.go("#/ledger", "ledger")
        stats = api.get("/v1/stats")
        counts = driver.find_element(By.ID, "counts").text
        check(f"head seq\n{stats['headSeq']}" in counts or f"head seq {stats['headSeq']}" in counts, f"the head seq in {counts!r}")
        types = driver.find_element(By.ID, "person-types").text
        check("placed/order" in types and "ONE_TO_MANY" in types and "order: placed (inverse)" in types, f"the types table: {types!r}")
        check("ok" in driver.find_element(By.ID, "health").text, "health")
        snapshots = driver.find_element(By.ID, "snapshots").text
        check(all(str(snapshot["seq"]) in snapshots for snapshot in stats["snapshots"]) and stats["snapshots"], f"the snapshots: {snapshots!r}")
        page.shoot("ledger")

        # An error is the problem's detail.
        page.go("#/record/nosuchtype%3Ax", "record")
        status, problem = api.call("GET", "/v1/records/nosuchtype/x/relationships", {"direction": "both", "limit": 1000})
        check(status == 404 and problem["detail"] in page.banner(), f"the banner {page.banner()!r} is not the API's detail {problem['detail']!r}")
        page.shoot("error")

        # The keyboard reaches the search, the slider and the graph's nodes.
        page.go(f"#/record/{urllib.parse.quote(record, safe='')}", "record")
        reached = set()
        driver.find_element(By.TAG_NAME, "body").click()
        for _ in range(60):
            webdriver.ActionChains(driver).send_keys(Keys.TAB).perform()
            reached.add(page.js("const e = document.activeElement; return e.id || (e.dataset && e.dataset.record ? 'node' : e.tagName)"))
        check({"find", "slider", "node"} <= reached, f"Tab reaches {sorted(reached)}, not the search, the slider and the graph")

        # Weight and speed of the first view, fresh loads of a record.
        weight, transferred, files = page_weight(page)
        figures["page weight (bytes, uncompressed)"] = weight
        figures["page weight (bytes, as sent)"] = transferred
        check(weight <= PAGE_WEIGHT_MAX, f"the page weighs {weight} bytes: {files}")
        figures["first view (ms)"] = first_view_ms(page, f"#/record/{urllib.parse.quote(record, safe='')}", "record", 10)
        asked_once(page)
        return page.shots
    finally:
        if driver:
            driver.quit()
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


PLACED = {"kind": "person_to_co", "role": "placed", "customObjectType": "order"}
HOT_PERSON = "p-1"
PEOPLE = 50_000


def large_workload(path, events):
    """Import operations of about `events` events, one a line; person:p-1 is linked every 1000th, changed every
    1000th (offset 500) and unlinked every 3000th operation. Seeded: the same file each time."""
    import random
    rng = random.Random(20261207)
    links = []  # (person, order) linked now, for changes and unlinks
    hot = []
    with open(path, "w") as file:
        def write(op):
            file.write(json.dumps(op, separators=(",", ":")) + "\n")
        write({"op": "defineObjectType", "name": "order"})
        write({"op": "registerRelationshipType", **PLACED, "cardinality": "ONE_TO_MANY", "bidirectional": True, "inverseRole": "placed_by"})
        for i in range(events - 2):
            if i % 1000 == 0:
                person, op = HOT_PERSON, "link"
            elif i % 1000 == 500 and hot:
                person, order, op = HOT_PERSON, rng.choice(hot), "setAttributes"
            elif i % 3000 == 1700 and hot:
                order = hot.pop(rng.randrange(len(hot)))
                write({"op": "unlink", "relationshipType": PLACED, "personExternalId": HOT_PERSON, "customObjectExternalId": order})
                continue
            else:
                roll = rng.random()
                op = "link" if roll < 0.7 or len(links) < 100 else "setAttributes" if roll < 0.9 else "unlink"
                person = f"p-{2 + int(rng.paretovariate(1.2)) % (PEOPLE - 1)}"
            if op == "link":
                order = f"o-{i}"
                write({"op": "link", "relationshipType": PLACED, "personExternalId": person, "customObjectExternalId": order,
                       "attributes": {"channel": rng.choice(["web", "phone", "store"])}})
                (hot if person == HOT_PERSON else links).append(order if person == HOT_PERSON else (person, order))
            elif op == "setAttributes":
                if person != HOT_PERSON:
                    person, order = links[rng.randrange(len(links))]
                write({"op": "setAttributes", "relationshipType": PLACED, "personExternalId": person, "customObjectExternalId": order,
                       "set": {"status": f"s{i}"}, "unset": []})
            else:
                person, order = links.pop(rng.randrange(len(links)))
                write({"op": "unlink", "relationshipType": PLACED, "personExternalId": person, "customObjectExternalId": order})


def large_ledger(binary, directory, events):
    """A ledger of the large workload, and a read key for it."""
    ledger, workload = os.path.join(directory, "ledger"), os.path.join(directory, "workload.jsonl")
    started = time.monotonic()
    large_workload(workload, events)
    ties(binary, "init", "--ledger", ledger)
    ties(binary, "import", workload, "--ledger", ledger)
    print(f"console test: built a ledger of {events} events in {time.monotonic() - started:.0f} s")
    return ledger, ties(binary, "keys", "create", "--name", "console-reader", "--role", "read", "--ledger", ledger).split()[0]


def measure_run(args, out, figures):
    """First view and slider steps on a large ledger: built (--large) or given (--ledger)."""
    scratch = None
    if args.large:
        scratch = tempfile.mkdtemp(prefix="ties-console-large-")
        args.ledger, args.key = large_ledger(args.ties, scratch, args.large)
        args.record = f"person:{HOT_PERSON}"
    server = Server(args.ties, args.ledger, os.path.join(out, "serve.log"))
    driver = None
    try:
        driver = browser(out)
        page = Console(driver, server.base, out)
        driver.get(server.base + "/")
        page.wait(lambda: driver.find_elements(By.ID, "key"), "the sign-in form")
        sign_in(page, args.key)
        page.wait(lambda: driver.find_elements(By.ID, "find"), "the record search")
        hash_ = f"#/record/{urllib.parse.quote(args.record, safe='')}"
        figures["first view (ms)"] = first_view_ms(page, hash_, "record", 10)
        figures["slider steps (ms)"] = [ms for _, _, ms in slider_steps(page, 100)]
        api = API(server.base, args.key)
        figures["head seq"] = api.get("/v1/stats")["headSeq"]
        figures["links now"] = len(api.links(args.record))
        page.shoot("large-record")
        return page.shots
    finally:
        if driver:
            driver.quit()
        server.stop()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ties", required=True, help="the ties binary")
    parser.add_argument("--out", default=os.path.join(".build", "console-test"), help="screenshots and figures.json")
    parser.add_argument("--ledger", help="measure on this existing ledger instead of the demo")
    parser.add_argument("--record", help="with --ledger: the record to open")
    parser.add_argument("--key", help="with --ledger: a read key")
    parser.add_argument("--large", type=int, metavar="EVENTS", help="measure on a generated ledger of this many events")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    figures = {}
    started = time.monotonic()
    try:
        shots = (measure_run if args.ledger or args.large else full_run)(args, args.out, figures)
    except Failure as failure:
        print(f"console test: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
    figures["test run (s)"] = round(time.monotonic() - started, 1)
    with open(os.path.join(args.out, "figures.json"), "w") as file:
        json.dump(figures, file, indent=2)
    for name, value in figures.items():
        print(f"console test: {summary(name, value) if isinstance(value, list) else f'{name}: {value}'}")
    print(f"console test: ok; {len(shots)} screenshots in {args.out}")


if __name__ == "__main__":
    main()
