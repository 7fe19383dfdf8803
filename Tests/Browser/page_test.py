"""Drives the bulletin page in headless chromium (selenium + Debian's chromedriver)."""
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

url, other, screenshot, node_bin, third = sys.argv[1:6]

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"):
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
# The page re-renders lists as updates arrive: an element read just as it is replaced is retried.
wait = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,))


def text_appears(css, text):
    wait.until(lambda d: any(text in e.text for e in d.find_elements(By.CSS_SELECTOR, css)), f"{text!r} in {css}")


try:
    driver.get(url)
    wait.until(ec.presence_of_element_located((By.ID, "post-form")))
    assert "Bulletin" in driver.title, driver.title
    # An empty board says so; the icon the page names is served (no 404).
    text_appears("#articles li", "No articles yet")
    with urllib.request.urlopen(url + "favicon.ico") as icon:
        assert icon.status == 200 and icon.headers["content-type"] == "image/svg+xml", icon.status
    assert driver.find_element(By.CSS_SELECTOR, "link[rel=icon]").get_attribute("href").endswith("/favicon.ico")
    driver.find_element(By.ID, "name").send_keys("Ada")
    driver.find_element(By.ID, "post-title").send_keys("Hello from the browser")
    driver.find_element(By.ID, "post-body").send_keys("Posted through the form.")
    driver.find_element(By.ID, "post-submit").click()
    text_appears("#articles li", "Hello from the browser")
    text_appears("#thread h2", "Hello from the browser")

    wait.until(ec.presence_of_element_located((By.ID, "reply-body"))).send_keys("A reply through the form.")
    driver.find_element(By.ID, "reply-submit").click()
    text_appears("#thread .reply", "A reply through the form.")
    text_appears("#articles li", "1 reply")
    wait.until(lambda d: not any("1 replies" in e.text for e in d.find_elements(By.CSS_SELECTOR, "#articles li")))

    # A long unbroken word (or URL) wraps instead of widening the page.
    long_word = "https://example.com/" + "x" * 400
    driver.find_element(By.ID, "post-title").send_keys("Long " + long_word[:120])
    driver.find_element(By.ID, "post-body").send_keys(long_word)
    driver.find_element(By.ID, "post-submit").click()
    text_appears("#thread h2", "Long https://example.com/")
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
    # Back to the first thread (the replica switch below must carry it along).
    wait.until(lambda d: [e.click() for e in d.find_elements(By.CSS_SELECTOR, "#articles li") if "Hello from the browser" in e.text])
    text_appears("#thread h2", "Hello from the browser")

    # Live updates: a post made elsewhere (another replica, via `node call`) shows up by itself.
    subprocess.run([node_bin, "call", third, "bulletin.v1.Bulletin/Post",
                    '{"author":"Bob","title":"Posted elsewhere","body":"via node call"}'], check=True, capture_output=True)
    text_appears("#articles li", "Posted elsewhere")

    # Switch replica: the other replica's page opens with the same name and session.
    Select(driver.find_element(By.ID, "replicas")).select_by_value(other)
    driver.find_element(By.ID, "switch").click()
    wait.until(lambda d: other in d.current_url)
    text_appears("#replica", "n2")
    text_appears("#articles li", "Hello from the browser")
    text_appears("#thread .reply", "A reply through the form.")
    assert driver.find_element(By.ID, "name").get_attribute("value") == "Ada"
    driver.save_screenshot(screenshot)

    # A replica that is down gets a visible error, not a silent failure.
    driver.get("http://" + third + "/")
    wait.until(ec.presence_of_element_located((By.ID, "post-form")))
    subprocess.run(["pkill", "-f", "listen " + third], check=False)
    time.sleep(0.5)
    driver.find_element(By.ID, "name").send_keys("Ada")
    driver.find_element(By.ID, "post-title").send_keys("Nobody home")
    driver.find_element(By.ID, "post-body").send_keys("?")
    driver.find_element(By.ID, "post-submit").click()
    wait.until(lambda d: "not reachable" in d.find_element(By.ID, "error").text)

    # The picker marks the dead replica down, and switching to it stays here with the error.
    driver.get("http://" + other + "/")
    wait.until(ec.presence_of_element_located((By.ID, "post-form")))
    picker = Select(driver.find_element(By.ID, "replicas"))
    wait.until(lambda d: any(third in o.get_attribute("value") and o.text.endswith("(down)") for o in picker.options))
    wait.until(lambda d: any(other in o.get_attribute("value") and o.text.endswith("(up)") for o in picker.options))
    picker.select_by_value(third)
    driver.find_element(By.ID, "switch").click()
    wait.until(lambda d: "not reachable" in d.find_element(By.ID, "error").text)
    assert other in driver.current_url, driver.current_url
    print("page test: empty board, favicon, post, reply (1 reply), long words wrap, live update, switch replica, "
          "replica health in the picker, and down-replica errors all work")
finally:
    driver.quit()
