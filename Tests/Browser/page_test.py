"""Drives the bulletin page in headless chromium (selenium + Debian's chromedriver)."""
import subprocess
import sys
import time

from selenium import webdriver
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
wait = WebDriverWait(driver, 20)


def text_appears(css, text):
    wait.until(lambda d: any(text in e.text for e in d.find_elements(By.CSS_SELECTOR, css)), f"{text!r} in {css}")


try:
    driver.get(url)
    wait.until(ec.presence_of_element_located((By.ID, "post-form")))
    assert "Bulletin" in driver.title, driver.title
    driver.find_element(By.ID, "name").send_keys("Ada")
    driver.find_element(By.ID, "post-title").send_keys("Hello from the browser")
    driver.find_element(By.ID, "post-body").send_keys("Posted through the form.")
    driver.find_element(By.ID, "post-submit").click()
    text_appears("#articles li", "Hello from the browser")
    text_appears("#thread h2", "Hello from the browser")

    wait.until(ec.presence_of_element_located((By.ID, "reply-body"))).send_keys("A reply through the form.")
    driver.find_element(By.ID, "reply-submit").click()
    text_appears("#thread .reply", "A reply through the form.")
    text_appears("#articles li", "1 replies")

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
    print("page test: post, reply, live update, switch replica and down-replica error all work")
finally:
    driver.quit()
