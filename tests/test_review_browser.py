"""review.html opened in a real headless Chromium (Debian's chromium and chromium-driver, driven
by Selenium with the driver given explicitly, so that nothing is downloaded): it loads without a
console error, shows every callout, and its markers and callouts lead to each other.
With CI=true a missing browser, driver or selenium fails these tests instead of skipping them."""
from __future__ import annotations

import os
import shutil

import pytest

from conftest import TARGET, require_tool


CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _require(path: str) -> str:
    found = path if os.path.exists(path) else shutil.which(os.path.basename(path))
    return found or require_tool(os.path.basename(path))


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = _require(CHROMIUM), _require(CHROMEDRIVER)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("selenium is not installed (CI=true: tests must not be skipped)", pytrace=False)
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never fetches a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--disable-extensions", "--no-first-run"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _open(browser, path) -> list:
    """Load ``path``; return the console's messages of the load."""
    browser.get(path.as_uri())
    browser.execute_script("return document.readyState")
    return browser.get_log("browser")


def _errors(log: list) -> list:
    return [e for e in log if e.get("level") in ("SEVERE", "ERROR")]


def _in_view(browser, element) -> bool:
    """The element is shown within the window and within its scrolling list."""
    return browser.execute_script("""
        const r = arguments[0].getBoundingClientRect();
        let box = {top: 0, bottom: window.innerHeight};
        const list = arguments[0].closest('ol.callouts');
        if (list && list.scrollHeight > list.clientHeight) box = list.getBoundingClientRect();
        return r.height > 0 && r.top >= box.top - 1 && r.bottom <= Math.min(box.bottom, window.innerHeight) + 1;
    """, element)


def test_the_builds_pack_loads_without_errors_with_every_callout(browser, reviewed, demo_model, demo_docs):
    from selenium.webdriver.common.by import By

    from posterdeck.resolve.target import make_target
    from posterdeck.review.items import collect

    log = _open(browser, reviewed / "review.html")
    assert not _errors(log), log
    items = collect(demo_model, make_target(TARGET, demo_model.info, demo_model.markets), demo_docs).items()
    shown = browser.find_elements(By.CSS_SELECTOR, "li.callout")
    assert [li.get_attribute("data-key") for li in shown] == [i.key for i in items]
    assert all(li.is_displayed() for li in shown[:3])
    pictures = browser.find_elements(By.CSS_SELECTOR, ".sheet img")
    assert pictures and all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", img)
                            for img in pictures), "every page picture decodes"


@pytest.fixture(scope="module")
def hand_html(hand_pack, tmp_path_factory):
    review, pack, _ = hand_pack
    path = tmp_path_factory.mktemp("review-html") / "review.html"
    path.write_bytes(pack["review.html"])
    return review, path


def test_clicking_a_marker_highlights_and_shows_its_callout(browser, hand_html):
    from selenium.webdriver.common.by import By

    review, path = hand_html
    log = _open(browser, path)
    assert not _errors(log), log
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.callout")) == len(review.items())
    # a slide's marker (the last page), then a poster's far down its page
    n_last = len(review.items())
    for number in (n_last, 12):
        marker = browser.find_element(By.ID, f"m{number}")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", marker)
        marker.click()
        callout = browser.find_element(By.ID, f"c{number}")
        assert "active" in callout.get_attribute("class").split()
        assert _in_view(browser, callout), f"callout {number} scrolled into view"
        assert len(browser.find_elements(By.CSS_SELECTOR, ".callout.active")) == 1
    assert not _errors(browser.get_log("browser"))


def test_a_callouts_link_goes_to_its_marker(browser, hand_html):
    from selenium.webdriver.common.by import By

    review, path = hand_html
    _open(browser, path)
    for number in (3, len(review.items()) - 1):
        callout = browser.find_element(By.ID, f"c{number}")
        link = callout.find_element(By.CSS_SELECTOR, "a.goto")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
        link.click()
        marker = browser.find_element(By.ID, f"m{number}")
        assert "active" in marker.get_attribute("class").split()
        assert _in_view(browser, marker), f"marker {number} scrolled into view"
        assert browser.execute_script("return location.hash") == f"#m{number}"


def test_the_filters_hide_callouts_and_markers(browser, hand_html):
    from selenium.webdriver.common.by import By

    review, path = hand_html
    _open(browser, path)
    approved = [i for i in review.items() if i.status == "approved"]
    assert approved
    browser.find_element(By.CSS_SELECTOR, '.filters input[value="status:approved"]').click()
    hidden = browser.find_elements(By.CSS_SELECTOR, "li.callout.hidden")
    assert {li.get_attribute("data-key") for li in hidden} == {i.key for i in approved}
    assert all(not m.is_displayed() for m in browser.find_elements(By.CSS_SELECTOR, 'a.marker[data-status="approved"]'))
    browser.find_element(By.CSS_SELECTOR, '.filters input[value="kind:claim"]').click()
    hidden = {li.get_attribute("data-key") for li in browser.find_elements(By.CSS_SELECTOR, "li.callout.hidden")}
    assert hidden == {i.key for i in review.items() if i.status == "approved" or i.kind == "claim"}
    browser.find_element(By.CSS_SELECTOR, '.filters input[value="status:approved"]').click()
    browser.find_element(By.CSS_SELECTOR, '.filters input[value="kind:claim"]').click()
    assert not browser.find_elements(By.CSS_SELECTOR, "li.callout.hidden")


def test_zooming_a_page_keeps_its_markers_on_their_marks(browser, hand_html):
    """The zoom button widens the page picture; the markers, placed in percent, follow it."""
    from selenium.webdriver.common.by import By

    review, path = hand_html
    _open(browser, path)
    sheet = browser.find_element(By.ID, "sheet-poster-1")
    marker = browser.find_element(By.ID, "m12")
    before = sheet.size["width"], marker.location["x"] - sheet.location["x"]
    browser.find_element(By.CSS_SELECTOR, 'button.zoom[data-sheet="sheet-poster-1"]').click()
    after = sheet.size["width"], marker.location["x"] - sheet.location["x"]
    assert after[0] == pytest.approx(2.5 * before[0], rel=0.02)
    assert after[1] == pytest.approx(2.5 * before[1], rel=0.05, abs=3)
    marker.click()  # still clickable once zoomed
    assert "active" in browser.find_element(By.ID, "c12").get_attribute("class").split()
