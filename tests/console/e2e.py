"""The web console in a real browser: Debian's chromium and chromedriver, driven by Selenium,
headless, against a live `maas serve`. Run by tests/console.sh:
    python e2e.py URL ADMIN_KEY DATA_DIR MODEL_PATH SCREENSHOT_DIR
It signs in (with the keyboard), uploads CSVs from the datasets view (one whose cells hold
markup, which must show as text), submits a training job from the form and watches its curve
grow while epochs finish, deploys the model, predicts from the playground's generated form,
registers and deploys the language model and chats with it (streamed text), trains an image
classifier on IDX files uploaded from the form and classifies a drawing and an uploaded picture,
runs a fairness evaluation (with mitigation) from its form, creates a key; it
checks the security headers, the key's storage, both widths (1280 and 390 px), and fails on any
console error or failed request after the deliberate bad sign-in. Screenshots of every view go
to SCREENSHOT_DIR. The exit status is the number of failed checks."""

import gzip
import json
import os
import struct
import sys
import time
import urllib.request
import zlib

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

url, admin_key, data_dir, model_path, shots = sys.argv[1:6]
os.makedirs(shots, exist_ok=True)
failed = 0


def check(name, condition, detail=""):
    global failed
    print(("✔ " if condition else "✘ ") + name + ("" if condition or not detail else f" ({detail})"), flush=True)
    failed += 0 if condition else 1


# --- the server's headers, outside the browser ---------------------------------------------------
with urllib.request.urlopen(url + "/") as response:
    headers = {k.lower(): v for k, v in response.headers.items()}
    page = response.read().decode()
csp = headers.get("content-security-policy", "")
check("the console is served at / with a strict Content-Security-Policy",
      "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp, csp)
check("it sends X-Content-Type-Options: nosniff and forbids framing",
      headers.get("x-content-type-options") == "nosniff" and headers.get("x-frame-options") == "DENY", headers)
check("the page holds no inline script or handler", "<script>" not in page and " onclick=" not in page and " onload=" not in page)
with urllib.request.urlopen(url + "/console/app.js") as response:
    check("scripts are served as JavaScript with the same headers",
          response.headers.get("Content-Type", "").startswith("text/javascript") and "script-src 'self'" in response.headers.get("Content-Security-Policy", ""))

# --- the browser ----------------------------------------------------------------------------------
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 30)
dialogs = []


def problems():
    """Console errors and failed requests since the last call (the log empties as it is read)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def shot(name):
    driver.save_screenshot(os.path.join(shots, f"{name}.png"))


def visit(hash_):
    driver.execute_script("location.hash = arguments[0]", hash_)


def find(css, timeout=30):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def api(method, path, body=None):
    """The API directly, with the admin key (for what the test must know, never for what it checks)."""
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {admin_key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def write_png(path, pixels, width, height):
    """An 8-bit greyscale PNG (no imaging library needed)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(pixels[y * width:(y + 1) * width]) for y in range(height))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def submit_job(name, dataset, spec, target=None, labels=None):
    visit("#/jobs")
    find("#job-form input[name=name]").send_keys(name)
    find("#job-form input[name=dataset]").send_keys(dataset)
    if target: find("#job-form input[name=target]").send_keys(target)
    if labels: find("#job-form input[name=labels]").send_keys(labels)
    textarea = find("#job-form textarea[name=spec]")
    textarea.clear()
    driver.execute_script("arguments[0].value = arguments[1]", textarea, json.dumps(spec))
    find("#job-form button[type=submit]").click()


def deploy(name, model, timeout=30):
    visit("#/endpoints")
    for field, value in (("name", name), ("model", model)):
        find(f"#deploy-form input[name={field}]").clear()
        find(f"#deploy-form input[name={field}]").send_keys(value)
    find("#deploy-form button[type=submit]").click()
    return text_appears("#deploy-form .form-status", f"Deployed {name}", timeout)


def text_appears(css, needle, timeout=30):
    try:
        # Views replace their elements as data arrives: a stale one is looked up again.
        WebDriverWait(driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
            lambda d: needle in d.find_element(By.CSS_SELECTOR, css).text)
        return True
    except TimeoutException:
        return False


try:
    driver.get(url + "/")
    key = find("#key")
    # A wrong key: the API's own message is shown.
    key.send_keys("not-a-key-0000000000000000", Keys.ENTER)
    check("a wrong key is refused with the API's message", text_appears("#sign-in .error", "key"), driver.find_element(By.ID, "main").text)
    shot("sign-in-error")
    problems()  # the deliberate 401 above is the only failed request allowed
    key = find("#key")
    key.clear()
    # Keyboard only: the field has focus, the key is typed, Enter submits.
    check("the sign-in field has focus", driver.switch_to.active_element == key)
    key.send_keys(admin_key, Keys.ENTER)
    check("signing in shows the datasets view", text_appears("main h1", "Datasets"))
    check("the key is kept in sessionStorage, never in a cookie",
          driver.execute_script("return sessionStorage.getItem('maas-key')") == admin_key and driver.get_cookies() == [])

    # Datasets: upload from the form (with its progress bar), then one whose cells hold markup.
    def upload(name, path, format="csv"):
        visit("#/datasets")
        find("#upload-form input[name=name]").clear()
        find("#upload-form input[name=name]").send_keys(name)
        find("#upload-form input[name=file]").send_keys(path)
        Select(find("#upload-form select[name=format]")).select_by_value(format)
        find("#upload-form button[type=submit]").click()
        return text_appears("#upload-form .form-status", f"Stored {name}", 60)

    check("a CSV uploads from the datasets view", upload("digits", os.path.join(data_dir, "digits.csv")))
    check("the upload's progress bar reached the end", driver.execute_script("return document.querySelector('#upload-form progress').value") == 1)
    hostile = os.path.join(shots, "hostile.csv")
    with open(hostile, "w") as f:
        f.write('name,note,score\n"<img src=x onerror=window.pwned=1>","<script>window.pwned=2</script>",1\nplain,text,2\n')
    check("a CSV whose cells hold markup uploads", upload("hostile", hostile))
    shot("datasets-1280")
    visit("#/datasets/hostile")
    check("its preview shows the markup as text",
          text_appears("main", "<img src=x onerror=window.pwned=1>") and text_appears("main", "<script>window.pwned=2</script>"))
    check("no element was made from it and nothing ran",
          driver.execute_script("return document.querySelectorAll('main img, main script').length === 0 && window.pwned === undefined"))
    shot("dataset-detail")
    visit("#/datasets/digits")
    check("a dataset shows its schema and statistics", text_appears("main", "Schema and statistics") and text_appears("main", "x63"))
    check("long tables are paginated", text_appears("main", "page 1 of"))

    # Training: submit from the form, watch the curve grow while epochs finish.
    visit("#/jobs")
    find("#job-form")
    spec = {"input": {"shape": [64]}, "layers": [{"type": "dense", "units": 512, "activation": "relu"},
                                                  {"type": "dense", "units": 512, "activation": "relu"},
                                                  {"type": "dense", "units": 10, "activation": "softmax"}],
            "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.001}, "epochs": 25, "batch_size": 16,
            "validation_split": 0.2}
    # Each redraw of the curve is recorded with its time, to tell a live curve from a replay.
    driver.execute_script("""
        window.curve = [];
        new MutationObserver((records) => { for (const r of records) if (r.attributeName === 'data-points' && r.target.id === 'job-chart')
          window.curve.push([Number(r.target.dataset.points), performance.now()]); })
          .observe(document.getElementById('main'), { attributes: true, subtree: true, attributeFilter: ['data-points'] });""")
    submit_job("digits", "digits", spec, target="target")
    check("submitting opens the job's view", text_appears("main h1", "Job job_"))
    check("the job succeeds", text_appears("#job-state", "succeeded", 240), driver.find_element(By.ID, "job-state").text)
    curve = driver.execute_script("return window.curve")
    counts = [c for c, _ in curve]
    spread = (curve[-1][1] - curve[0][1]) / 1000 if curve else 0
    check("the loss curve grew one epoch at a time, live (over seconds, not replayed at once)",
          counts[-1:] == [25] and all(b >= a for a, b in zip(counts, counts[1:])) and len(set(counts)) >= 10 and spread > 1.0,
          f"{counts[:6]}… over {spread:.2f} s")
    check("the curve is drawn (one point per epoch per series)",
          driver.execute_script("return document.querySelectorAll('#job-chart circle').length") >= 25)
    steps = driver.execute_script("return [...document.querySelectorAll('#job-steps circle')].length")
    check("the loss is drawn by step as progress arrives (at least one point per epoch)",
          steps >= 25 and driver.execute_script("return Number(document.getElementById('job-steps').dataset.points)") == steps, f"{steps} points")
    check("the job's metrics are shown", text_appears("main", "test_accuracy"))
    shot("job")

    # Deploy from the endpoints view, predict from the playground's generated form.
    check("the model deploys from the endpoints view", deploy("digits", "digits@1"))
    check("the endpoint is listed", text_appears("main table", "digits@1"))
    with open(os.path.join(data_dir, "digits.csv")) as f:
        lines = f.read().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    visit("#/playground?endpoint=digits")
    find("#predict-form")
    for name, value in zip(header[:-1], row[:-1]):
        find(f"#predict-form input[name={name}]").send_keys(value)
    find("#predict-form button[type=submit]").click()
    check("the playground predicts the row's class with probabilities",
          text_appears("#prediction", f"Predicted: {row[-1]}") and len(driver.find_elements(By.CSS_SELECTOR, "#prediction .bar-row")) == 10,
          driver.find_element(By.ID, "prediction").text[:200])
    shot("playground-tabular")
    visit("#/endpoints")
    check("the endpoint's live counters show its requests", text_appears("#endpoint-stats", "digits", 10))
    [b for b in driver.find_elements(By.CSS_SELECTOR, "main table button") if b.text == "Drift"][0].click()
    check("the endpoint's drift is shown per feature", text_appears("#drift", "PSI") and text_appears("#drift", "x0") and text_appears("#drift", "page 1 of 4"))
    shot("endpoints")

    # An image classifier: IDX images and labels uploaded from the form, trained with a label
    # dataset, deployed; the playground classifies a drawing and an uploaded picture.
    for name, source in (("fm-images", "t10k-images-idx3-ubyte.gz"), ("fm-labels", "t10k-labels-idx1-ubyte.gz")):
        with gzip.open(os.path.join("/usr/share/datasets/fashion-mnist", source)) as f, open(os.path.join(shots, name + ".idx"), "wb") as out:
            out.write(f.read())
        check(f"IDX file {name} uploads from the form", upload(name, os.path.join(shots, name + ".idx"), "idx"))
    submit_job("fashion", "fm-images", {"input": {"shape": [28, 28, 1]}, "layers": [{"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}],
                                        "loss": "sparse_categorical_crossentropy", "optimizer": {"type": "adam", "lr": 0.002}, "epochs": 4, "batch_size": 64}, labels="fm-labels")
    check("an image job with a label dataset succeeds", text_appears("#job-state", "succeeded", 240), driver.find_element(By.ID, "job-state").text)
    check("the image model deploys", deploy("fashion", "fashion@1"))
    # The picture to upload: of the first 200 test images, the one the model is surest of (so
    # the browser's resampling, 28 → 280 → 28 px, cannot change its class).
    with open(os.path.join(shots, "fm-images.idx"), "rb") as f:
        f.seek(16)
        pixels = f.read(200 * 784)
    metadata = api("GET", "/v2/models/fashion")
    answer = api("POST", "/v2/models/fashion/infer", {"inputs": [{"name": metadata["inputs"][0]["name"], "shape": [200, 28, 28, 1], "datatype": "FP32",
                                                                   "data": [p / 255 for p in pixels]}]})
    outputs = {o["name"]: o for o in answer["outputs"]}
    best = max(range(200), key=lambda i: max(outputs["probabilities"]["data"][i * 10:(i + 1) * 10]))
    picture = os.path.join(shots, "picture.png")
    write_png(picture, pixels[best * 784:(best + 1) * 784], 28, 28)
    visit("#/playground?endpoint=fashion")
    canvas = find("#playground canvas.draw")
    actions = webdriver.ActionChains(driver)
    actions.move_to_element_with_offset(canvas, -70, -90).click_and_hold()
    for dx, dy in ((140, 0), (0, 180), (-140, 0), (0, -180)):
        actions.move_by_offset(dx, dy)
    actions.release().perform()
    check("a stroke drawn with the pointer reaches the canvas",
          driver.execute_script("const d = arguments[0].getContext('2d').getImageData(0, 0, 280, 280).data; let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i] > 128; return n", canvas) > 1000)
    find("#classify").click()
    check("a drawing is classified with ten class probabilities",
          text_appears("#prediction", "Predicted:") and len(driver.find_elements(By.CSS_SELECTOR, "#prediction .bar-row")) == 10,
          driver.find_element(By.ID, "prediction").text[:200])
    shot("playground-drawing")
    driver.execute_script("document.getElementById('prediction').replaceChildren()")
    # The picture is drawn onto the canvas asynchronously: wait until its pixels replace the stroke.
    canvas_sum = lambda: driver.execute_script("const d = arguments[0].getContext('2d').getImageData(0, 0, 280, 280).data; let n = 0; for (let i = 0; i < d.length; i += 4) n += d[i]; return n", canvas)
    before = canvas_sum()
    find("#playground input[type=file]").send_keys(picture)
    try:
        WebDriverWait(driver, 10).until(lambda d: canvas_sum() != before)
    except TimeoutException:
        check("the uploaded picture is drawn onto the canvas", False, problems())

    find("#classify").click()
    want = str(outputs["label"]["data"][best])
    check("an uploaded picture is classified as the API classifies its pixels", text_appears("#prediction", f"Predicted: {want}"),
          f"want {want}; " + driver.find_element(By.ID, "prediction").text[:80])
    shot("playground-picture")

    # Fairness: a binary classifier trained from the form, evaluated by group from the form.
    loans = os.path.join(shots, "loans.csv")
    with open(loans, "w") as f:
        f.write("score,group,region,approved\n")
        for i in range(400):
            score, group, region = (i * 37) % 100 / 10, "b" if i % 3 == 0 else "a", "north" if i % 2 == 0 else "south"
            approved = "yes" if score + (1.5 if group == "a" else -1.5) + (i * 13) % 7 / 3 - 1 > 5 else "no"
            f.write(f"{score},{group},{region},{approved}\n")
    check("the loans CSV uploads", upload("loans", loans))
    submit_job("loans", "loans", {"algorithm": "logistic_regression"}, target="approved")
    check("the loans classifier trains", text_appears("#job-state", "succeeded", 120), driver.find_element(By.ID, "job-state").text)
    visit("#/evaluations")
    for name, value in (("model", "loans@1"), ("dataset", "loans"), ("target", "approved"), ("sensitive", "group, region"), ("positive_label", "yes")):
        find(f"#evaluation-form input[name={name}]").send_keys(value)
    Select(find("#evaluation-form select[name=mitigate]")).select_by_value("demographic_parity")
    find("#evaluation-form button[type=submit]").click()
    check("an evaluation runs from the form and opens its report", text_appears("main h1", "Evaluation ", 60))
    check("the report shows each group's metrics and the gaps between groups",
          text_appears("#evaluation", "demographic parity difference") and text_appears("#evaluation", "group=a")
          and text_appears("#evaluation", "region=south") and text_appears("#evaluation", "group=b, region=north")
          and text_appears("#evaluation", "false positive rate"), driver.find_element(By.ID, "evaluation").text[:300])
    check("the mitigation's rules and before/after metrics are shown",
          text_appears("#evaluation", "Mitigation: threshold_optimizer, demographic_parity") and text_appears("#evaluation", "After (the optimizer"))
    shot("evaluation")
    visit("#/evaluations")
    check("evaluations are listed", text_appears("main table", "loans@1"))

    # The language model: registered from the models view, deployed, chatted with.
    visit("#/models")
    find("#register-form input[name=name]").send_keys("smollm")
    find("#register-form input[name=path]").send_keys(model_path)
    find("#register-form button[type=submit]").click()
    check("a GGUF language model registers from the models view", text_appears("main h1", "Model smollm", 120) and text_appears("main", "language_model"))
    shot("model")
    check("the language model deploys", deploy("chat", "smollm@1", 120))
    visit("#/playground?endpoint=chat")
    find("#chat-form textarea").send_keys("What is the capital of France?")
    driver.execute_script("""
        window.replyLengths = [];
        new MutationObserver(() => { const r = document.querySelector('#chat-log .assistant');
          if (r) window.replyLengths.push(r.textContent.length); })
          .observe(document.getElementById('chat-log'), { childList: true, subtree: true, characterData: true });""")
    find("#chat-form button[type=submit]").click()
    WebDriverWait(driver, 120).until(lambda d: d.execute_script("return document.querySelector('#chat-log .assistant')?.dataset.done === 'true'"))
    reply = driver.find_element(By.CSS_SELECTOR, "#chat-log .assistant").text
    lengths = driver.execute_script("return window.replyLengths")
    check("the chat answers with streamed text (it grew token by token)", len(reply) > 0 and len(set(lengths)) > 3, f"{reply[:80]!r}, {len(set(lengths))} lengths")
    shot("playground-chat")

    # Models side by side, keys and usage.
    visit("#/models/digits")
    check("a model shows its versions and a side-by-side comparison", text_appears("#compare", "test_accuracy"))
    visit("#/keys")
    find("#key-form input[name=name]").send_keys("console test")
    Select(find("#key-form select[name=role]")).select_by_value("inference")
    find("#key-form button[type=submit]").click()
    check("a key is created and its secret shown once", len(find(".secret").text) > 20)
    check("usage per key is listed", text_appears("main", "Usage per key") and text_appears("main", "total"))
    shot("keys")

    # An error from the API is shown in its own words.
    visit("#/endpoints")
    find("#deploy-form input[name=name]").send_keys("broken")
    find("#deploy-form input[name=model]").send_keys("no-such-model@1")
    find("#deploy-form button[type=submit]").click()
    check("a failed action shows the API's message", text_appears("#deploy-form .error", "no-such-model"))
    problems()  # the deliberate 404 just above

    # Narrow screens: every view fits 390 px without sideways scrolling of the page.
    driver.set_window_size(390, 844)
    for view in ("#/datasets", "#/jobs", "#/models", "#/endpoints", "#/playground", "#/evaluations", "#/keys"):
        visit(view)
        find("main h1")
        time.sleep(0.3)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(f"{view} fits 390 px", width <= 390, f"{width} px")
        shot(view.strip("#/") + "-390")
    remaining = problems()
    check("no console error or failed request", not remaining, remaining[:5])
finally:
    driver.quit()
print(f"console: {failed} failed")
sys.exit(failed)
