#!/usr/bin/env python3
"""Browser test of the web console (工作台): each role signs in and does its main job in headless
Chromium, against a running service with the demo data.

Usage: console-test.py BASE_URL [SCREENSHOT_DIR]

Every page visited is saved as a PNG under SCREENSHOT_DIR (printed at the start) and checked with
axe-core (no violation of serious or critical impact). The run fails on any error in the browser's
console log and on any request to a host other than the service.
Needs chromium and chromium-driver (Debian), selenium and axe-selenium-python (PyPI).
"""
import json
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else sys.exit(__doc__)
SHOTS = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="console-shots-")
os.makedirs(SHOTS, exist_ok=True)
PASSWORD = os.environ.get("CONSOLE_TEST_PASSWORD", "pledgematch-demo")
HOST = urllib.parse.urlparse(BASE).netloc
failures, pages = [], []


def browser():
    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


class Session:
    def __init__(self, role):
        self.role = role
        self.driver = browser()
        self.axe = Axe(self.driver)
        self.n = 0

    def close(self):
        self.check_logs()
        self.driver.quit()

    def check_logs(self):
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                failures.append(f"{self.role}: browser console error: {entry.get('message')}")
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                parsed = urllib.parse.urlparse(url)
                if parsed.scheme in ("http", "https") and parsed.netloc != HOST:
                    failures.append(f"{self.role}: request to another host: {url}")

    def page(self, name):
        """Screenshot and accessibility check of the page now shown."""
        self.n += 1
        path = os.path.join(SHOTS, f"{self.role}-{self.n:02d}-{name}.png")
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1366, max(768, min(height + 40, 6000)))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(1366, 768)
        self.axe.inject()
        result = self.axe.run(options={"resultTypes": ["violations"]})
        for v in result["violations"]:
            if v.get("impact") in ("serious", "critical"):
                failures.append(f"{self.role} {name}: axe {v['impact']} {v['id']}: {v['help']} "
                                f"({len(v['nodes'])} nodes, first {v['nodes'][0]['target'] if v['nodes'] else '-'})")
        pages.append((self.role, name, self.driver.current_url))
        self.check_logs()

    def go(self, path, name):
        self.driver.get(BASE + path)
        self.page(name)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def expect(self, condition, what):
        if not condition:
            failures.append(f"{self.role}: {what} (at {self.driver.current_url})")
        return condition

    def sign_in(self, login, password=PASSWORD):
        self.driver.get(BASE + "/console")
        self.expect("/console/login" in self.driver.current_url, "signed-out visit goes to the sign-in page")
        self.page("sign-in")
        self.driver.find_element(By.ID, "login").send_keys(login)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        self.expect(self.driver.current_url.rstrip("/").endswith("/console"), f"{login} lands on the home page")
        self.page("home")

    def submit(self, form_css):
        self.driver.find_element(By.CSS_SELECTOR, form_css + " button[type=submit]").click()

    def cookie_header(self):
        return "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

    def fetch(self, path):
        request = urllib.request.Request(BASE + path, headers={"Cookie": self.cookie_header()})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read()


def this_month_new_loans(s):
    month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
    s.go(f"/console/monthly?from={month}&to={month}", "monthly-this-month")
    cells = s.driver.find_elements(By.CSS_SELECTOR, "table tbody tr td")
    return int(cells[1].text) if len(cells) > 1 else 0


def bank_candidates():
    """The bank officer's candidates, filtered and exported; returns the first candidate and its product."""
    s = Session("bank")
    try:
        s.sign_in("demo-bank")
        s.go("/console/candidates", "candidates")
        product = Select(s.driver.find_element(By.ID, "product")).first_selected_option.get_attribute("value")
        first = s.driver.find_element(By.CSS_SELECTOR, "table tbody tr td:nth-child(2)").text
        s.driver.find_element(By.ID, "minScore").send_keys("10")
        s.submit("form.filters")
        s.page("candidates-filtered")
        csv_link = s.driver.find_element(By.LINK_TEXT, "导出 CSV").get_attribute("href")
        status, kind, body = s.fetch(urllib.parse.urlparse(csv_link).path + "?" + urllib.parse.urlparse(csv_link).query)
        s.expect(status == 200 and "text/csv" in kind and len(body) > 10, f"the CSV export downloads (status {status}, {kind})")
        status, _, _ = s.fetch("/console/users")
        s.expect(status == 404, f"a bank officer is not served the users page (got {status})")
        s.expect("用户" not in [a.text for a in s.driver.find_elements(By.CSS_SELECTOR, "nav a")], "the users page is not in a bank officer's menu")
        return first, product
    finally:
        s.close()


def operations(firm, product):
    s = Session("operations")
    try:
        s.sign_in("demo-ops")
        s.go("/console/firms", "firms")
        part = firm[2:6] if len(firm) > 6 else firm
        s.driver.find_element(By.ID, "q").send_keys(part)
        s.submit("form.filters")
        s.page("firms-search")
        links = [a for a in s.driver.find_elements(By.CSS_SELECTOR, "table tbody tr td a") if a.text == firm]
        if not s.expect(links, f"searching '{part}' finds {firm}"):
            return None
        links[0].click()
        s.page("firm")
        s.driver.find_element(By.LINK_TEXT, "查看匹配的贷款产品").click()
        s.page("matches")
        s.driver.find_element(By.ID, "amount").send_keys("1000000")
        s.driver.find_element(By.ID, "term").send_keys("12")
        s.submit("form.filters")
        s.page("what-if")
        s.expect("试算后" in s.text(), "the what-if shows before and after")
        buttons = s.driver.find_elements(By.CSS_SELECTOR, f"section[data-product='{product}'] form[action='/console/applications'] button")
        if not s.expect(buttons, "an eligible match offers to create an application"):
            return None
        buttons[0].click()
        s.page("application-created")
        s.expect("/console/applications/" in s.driver.current_url, "creating an application opens it")
        application = s.driver.current_url.rsplit("/", 1)[1]
        s.driver.find_element(By.XPATH, "//button[text()='提交']").click()
        s.page("application-submitted")
        s.expect("已提交" in s.text(), "the application is submitted")
        # A form posted without its token is refused and changes nothing.
        status, _, _ = post_without_token(s, f"/console/applications/{application}/transition")
        s.expect(status == 403, f"a form without its token is refused (got {status})")
        return application
    finally:
        s.close()


def credit_code(body17):
    """A unified social credit code with its check character (GB 32100-2015)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(body17, weights))
    return body17 + alphabet[(31 - total % 31) % 31]


def patent_number(digits12):
    """ZL + a 12-digit application number + its check character."""
    total = sum(int(d) * w for d, w in zip(digits12, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]))
    check = total % 11
    return "ZL" + digits12 + "." + ("X" if check == 10 else str(check))


def operations_records():
    """A new firm (refused first, with what was typed kept), then an IP asset of it."""
    s = Session("operations-records")
    try:
        s.sign_in("demo-ops")
        s.go("/console/firms", "firms")
        s.driver.find_element(By.LINK_TEXT, "新建企业").click()
        s.page("firm-new")
        name = "控制台测试科技有限公司" + uuid.uuid4().hex[:4]
        s.driver.find_element(By.ID, "creditCode").send_keys("915001020000000000")
        s.driver.find_element(By.ID, "name").send_keys(name)
        s.driver.find_element(By.ID, "town").send_keys("崇义街道")
        s.driver.execute_script("document.getElementById('foundedOn').value = '2015-06-01'")
        s.driver.find_element(By.ID, "annualRevenueFen").send_keys("12,000,000")
        s.submit("form.stack")
        s.page("firm-refused")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, "#creditCode[aria-invalid=true]"), "a wrong credit code is marked on its field")
        s.expect(s.driver.find_element(By.ID, "name").get_attribute("value") == name, "the name typed is kept")
        code = credit_code("91500102" + uuid.uuid4().hex[:9].upper().replace("I", "1").replace("O", "0").replace("S", "5").replace("V", "7").replace("Z", "2"))
        field = s.driver.find_element(By.ID, "creditCode")
        field.clear()
        field.send_keys(code)
        s.submit("form.stack")
        s.page("firm-created")
        s.expect(name in s.text(), f"the new firm's page opens ({code})")
        s.driver.find_element(By.LINK_TEXT, "登记知识产权").click()
        s.page("asset-new")
        Select(s.driver.find_element(By.ID, "type")).select_by_value("invention")
        s.driver.find_element(By.ID, "number").send_keys(patent_number("202110" + str(uuid.uuid4().int)[:6]))
        s.driver.execute_script("document.getElementById('filingDate').value = '2021-03-15';"
                                "document.getElementById('grantDate').value = '2023-06-20'")
        s.driver.find_element(By.ID, "title").send_keys("一种控制台测试装置")
        s.submit("form.stack")
        s.page("asset-added")
        if s.expect("一种控制台测试装置" in s.text(), "the asset is listed on the firm page"):
            s.driver.find_element(By.LINK_TEXT, "登记评估").click()
            s.page("valuation-new")
            s.driver.find_element(By.ID, "appraiser").send_keys("重庆华康资产评估土地房地产估价有限责任公司")
            s.driver.find_element(By.ID, "reportNumber").send_keys("重康评报字(2026)第" + uuid.uuid4().hex[:4] + "号")
            s.driver.find_element(By.ID, "valueFen").send_keys("3,200,000")
            s.driver.execute_script("document.getElementById('valuationDate').value = '2026-11-01';"
                                    "document.getElementById('validUntil').value = '2027-10-31'")
            s.submit("form.stack")
            s.page("valuation-added")
            s.expect("/console/firms/" in s.driver.current_url and not s.driver.find_elements(By.CSS_SELECTOR, ".field-error"),
                     "the valuation is saved and the firm page shown")
    finally:
        s.close()


def operations_import():
    """A file with good and bad rows, the bad ones skipped: the report shows both, the rejects come back."""
    s = Session("operations-import")
    try:
        s.sign_in("demo-ops")
        s.go("/console/imports", "import")
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "import", "firms_bad.csv")
        Select(s.driver.find_element(By.ID, "kind")).select_by_value("firms")
        s.driver.find_element(By.ID, "file").send_keys(os.path.abspath(fixture))
        s.driver.find_element(By.ID, "skipInvalid").click()
        s.submit("form.stack")
        # The upload answers with a redirect to its report: wait for it before reading the address.
        WebDriverWait(s.driver, 30).until(lambda d: "/console/imports/" in d.current_url)
        report = s.driver.current_url
        for _ in range(60):
            if "/console/imports/" not in report or "刷新进度" not in s.text():
                break
            time.sleep(0.5)
            s.driver.get(report)
        s.page("import-report")
        s.expect("/console/imports/" in s.driver.current_url, "the upload opens its report")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, "table tbody tr"), "the report lists the refused rows with their reasons")
        links = s.driver.find_elements(By.PARTIAL_LINK_TEXT, "下载有误的行")
        if s.expect(links, "the refused rows can be downloaded"):
            status, kind, body = s.fetch(urllib.parse.urlparse(links[0].get_attribute("href")).path)
            s.expect(status == 200 and len(body) > 20, f"the rejects file downloads ({status}, {kind})")
    finally:
        s.close()


def post_without_token(s, path):
    data = urllib.parse.urlencode({"action": "withdraw", "version": "1"}).encode()
    request = urllib.request.Request(BASE + path, data=data, method="POST",
                                     headers={"Cookie": s.cookie_header(), "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def bank_officer(application):
    s = Session("bank-review")
    try:
        s.sign_in("demo-bank")
        if not application:
            return
        s.go(f"/console/applications/{application}", "application")
        s.driver.find_element(By.XPATH, "//button[text()='开始审查']").click()
        s.page("application-under-review")
        s.driver.find_element(By.XPATH, "//button[text()='审批通过']").click()
        s.page("application-approved")
        s.expect("已审批" in s.text(), "the application is approved")
        s.driver.find_element(By.ID, "registrationNumber").send_keys(f"渝质登-{uuid.uuid4().hex[:8]}")
        s.submit("form[action$='/disbursement']")
        s.page("loan")
        s.expect("/console/loans/" in s.driver.current_url, "the disbursement opens the loan")
        s.driver.find_element(By.ID, "amount").send_keys("1000")
        s.submit("form[action$='/entries']")
        s.page("loan-repaid")
        s.expect(">还款</td>" in s.driver.page_source, "the repayment is in the ledger")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, "form[action$='/renewal']"), "the bank officer is offered a renewal")
    finally:
        s.close()


def bureau(before):
    s = Session("bureau")
    try:
        s.sign_in("demo-analyst")
        s.go("/console/progress", "progress")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg polyline"), "the progress chart is drawn")
        after = this_month_new_loans(s)
        if before is not None:
            s.expect(after == before + 1, f"this month's new loans went from {before} to {after} (want +1)")
        s.go("/console/cost", "cost")
        s.expect("贴息" in s.text(), "the programme cost page shows the subsidy")
        s.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        s.go("/console/monthly", "monthly-print-preview")
        pdf = s.driver.print_page()
        with open(os.path.join(SHOTS, "bureau-monthly.pdf"), "wb") as f:
            import base64
            f.write(base64.b64decode(pdf))
        s.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        status, _, _ = s.fetch("/console/firms")
        s.expect(status == 404, f"an analyst is not served the firms page (got {status})")
    finally:
        s.close()


def administrator():
    s = Session("admin")
    login = "console-" + uuid.uuid4().hex[:8]
    try:
        s.sign_in("demo-admin")
        s.go("/console/history/firm/1", "firm-history")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, "table tbody tr"), "the audit trail of a firm lists its changes")
        s.go("/console/tokens", "tokens")
        s.driver.find_element(By.ID, "tokenName").send_keys("控制台测试令牌")
        s.submit("form[action='/console/tokens']")
        s.page("token-created")
        secret = s.driver.find_element(By.CSS_SELECTOR, ".notice code").text
        request = urllib.request.Request(BASE + "/targets", headers={"Authorization": "Bearer " + secret})
        with urllib.request.urlopen(request, timeout=30) as answer:
            s.expect(answer.status == 200, "the new API token works")
        s.go("/console/tokens", "tokens-listed")
        s.expect(secret not in s.driver.page_source, "the secret is not shown again")
        s.go("/console/users", "users")
        s.driver.find_element(By.ID, "login").send_keys(login)
        s.driver.find_element(By.ID, "displayName").send_keys("控制台测试用户")
        Select(s.driver.find_element(By.ID, "role")).select_by_value("analyst")
        s.driver.find_element(By.ID, "password").send_keys("short")
        s.driver.execute_script("document.getElementById('password').removeAttribute('minlength')")
        s.submit("form[action='/console/users']")
        s.page("users-refused")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, ".field-error"), "a weak password is refused beside its field")
        s.expect(s.driver.find_element(By.ID, "login").get_attribute("value") == login, "what was typed is kept")
        s.driver.find_element(By.ID, "password").send_keys("a-long-enough-password")
        s.submit("form[action='/console/users']")
        s.page("users-created")
        s.expect(login in s.text(), "the new user is listed")
        s.driver.find_element(By.CSS_SELECTOR, "form[action='/console/logout'] button").click()
        WebDriverWait(s.driver, 10).until(lambda d: "/console/login" in d.current_url)
        s.expect("/console/login" in s.driver.current_url, "signing out returns to the sign-in page")
        status, _, body = s.fetch("/console/users")
        s.expect(b'name="password"' in body, f"the signed-out session is sent to sign in again (got {status})")
    finally:
        s.close()
    s = Session("new-user")
    try:
        s.sign_in(login, "a-long-enough-password")
        s.expect("目标进度" in s.text(), "the new analyst sees the targets")
        s.go("/console/lang?to=en&back=/console", "home-english")
        s.expect("Progress to the targets" in s.text(), "English is one click away")
    finally:
        s.close()


def wrong_password():
    s = Session("wrong-password")
    try:
        s.driver.get(BASE + "/console/login")
        s.driver.find_element(By.ID, "login").send_keys("nobody-" + uuid.uuid4().hex[:6])
        s.driver.find_element(By.ID, "password").send_keys("not-the-password")
        s.submit("form.stack")
        s.page("sign-in-refused")
        s.expect(s.driver.find_elements(By.CSS_SELECTOR, ".problem"), "a wrong password is said so")
    finally:
        s.close()


def hostile():
    """Odd ids, odd dates, an oversized form, another bank's record: each a clear page, never a 500."""
    s = Session("hostile")
    try:
        s.sign_in("demo-ops")
        for path, want in [("/console/firms/99999999999999999999", 404), ("/console/firms/abc", 404), ("/console/firms/-1", 404),
                           ("/console/applications/0", 404), ("/console/monthly?from=9999-99&to=0000-00", 400),
                           ("/console/progress?asOf=99999-01-01", 400), ("/console/firms?size=huge&q=%00", 400),
                           ("/console/candidates?product=99999999&minScore=1e309", 404), ("/console/nowhere", 404)]:
            status, kind, body = s.fetch(path)
            s.expect(status < 500 and "text/html" in kind, f"{path} answers a page, not {status} {kind}")
            s.expect(status == want or (want == 400 and 400 <= status < 500), f"{path}: {status} (want {want})")
        big = urllib.parse.urlencode({"login": "x" * (2 << 20)}).encode()
        request = urllib.request.Request(BASE + "/console/users", data=big, method="POST",
                                         headers={"Cookie": s.cookie_header(), "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        s.expect(status == 413, f"a 2 MiB form is refused with 413 (got {status})")
    finally:
        s.close()
    bank = Session("hostile-bank")
    try:
        bank.sign_in("demo-bank")
        status, _, _ = bank.fetch("/console/firms/1/matches")
        bank.expect(status == 404, f"a bank officer is not served a firm's matches (got {status})")
        status, _, _ = bank.fetch("/console/progress")
        bank.expect(status == 404, f"a bank officer is not served the bureau's progress page (got {status})")
    finally:
        bank.close()


def main():
    print(f"console test: {BASE}; screenshots in {SHOTS}")
    started = time.monotonic()
    s = Session("bureau-before")
    try:
        s.sign_in("demo-analyst")
        before = this_month_new_loans(s)
    finally:
        s.close()
    operations_records()
    operations_import()
    firm, product = bank_candidates()
    application = operations(firm, product)
    bank_officer(application)
    bureau(before if application else None)
    administrator()
    hostile()
    wrong_password()
    print(f"{len(pages)} pages in {time.monotonic() - started:.0f} s")
    for role, name, url in pages:
        print(f"  {role:14} {name:28} {url}")
    for line in failures:
        print("FAIL " + line)
    print(f"console-test: {len(pages)} pages, {len(failures)} failures")
    sys.exit(1 if failures else 0)


main()
