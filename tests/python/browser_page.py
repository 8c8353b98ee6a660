"""The query page in headless Chromium: type a query, run it with Ctrl+Enter, see the grid and
the chart; then an error with its caret. Usage: browser_page.py URL SCREENSHOT.png"""
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, screenshot = sys.argv[1], sys.argv[2]
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--window-size=1400,1000"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 20)
try:
    driver.get(url)
    wait.until(lambda d: "database" in d.find_element(By.ID, "database").text)
    editor = driver.find_element(By.ID, "query")
    editor.click()
    # Typed the way a person types: completion pops up after the pipe and is taken with Tab.
    editor.send_keys("NTANetAnalytics\n| summ")
    wait.until(EC.visibility_of_element_located((By.ID, "completions")))
    editor.send_keys(Keys.TAB)
    assert "| summarize " in editor.get_attribute("value"), editor.get_attribute("value")
    editor.send_keys("Flows = count() by FlowStatus, FlowDirection\n| render columnchart with (title='Flows by status')")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(EC.visibility_of_element_located((By.ID, "results")))
    rows = driver.find_elements(By.CSS_SELECTOR, "#grid tbody tr")
    headers = [span.text for span in driver.find_elements(By.CSS_SELECTOR, "#grid th span")]
    status = driver.find_element(By.ID, "status").text
    assert rows, "the grid has no rows"
    assert headers[:3] == ["FlowStatus", "FlowDirection", "Flows"], headers
    assert f"{len(rows)} rows" in status, status
    chart = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#chart svg")))
    assert "Flows by status" in chart.get_attribute("innerHTML")
    assert "q=" in driver.current_url, driver.current_url
    # Sorting by a column header puts the biggest count first on the second click.
    header = driver.find_elements(By.CSS_SELECTOR, "#grid th")[2]
    header.click()
    header = driver.find_elements(By.CSS_SELECTOR, "#grid th")[2]
    header.click()
    counts = [int(r.find_elements(By.TAG_NAME, "td")[2].text) for r in driver.find_elements(By.CSS_SELECTOR, "#grid tbody tr")]
    assert counts == sorted(counts, reverse=True), counts
    driver.save_screenshot(screenshot)
    print(f"grid: {len(rows)} rows, headers {headers}; status '{status}'; chart drawn")

    # An error shows kqlite's message with the caret, and marks the span in the editor.
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys("NTANetAnalytics | where FlowStatuz == 'Denied'")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    error = wait.until(EC.visibility_of_element_located((By.ID, "error-text")))
    text = error.text
    assert "unknown column `FlowStatuz`" in text and "^^^^^^^^^^" in text, text
    marked = driver.find_element(By.CSS_SELECTOR, "#highlight .t-err").text
    assert marked == "FlowStatuz", marked
    # History keeps both queries.
    options_text = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#history option")]
    assert len(options_text) >= 3, options_text
    print("error shown with caret; history has", len(options_text) - 1, "queries")

    # A link with the query in it reproduces it: the page runs it on load.
    from urllib.parse import quote
    driver.get(url + "?q=" + quote("AWSVPCFlow | summarize Flows = count()"))
    wait.until(EC.visibility_of_element_located((By.ID, "results")))
    cell = driver.find_element(By.CSS_SELECTOR, "#grid tbody td").text
    assert int(cell) > 0, cell
    assert driver.find_element(By.ID, "query").get_attribute("value") == "AWSVPCFlow | summarize Flows = count()"
    print("a link with ?q= runs its query:", cell, "AWSVPCFlow rows")
finally:
    driver.quit()
