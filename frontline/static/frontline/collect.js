/* The collector's screen (采样登记): one field that takes a hand-held scanner's keystrokes and Enter (or typing,
 * or the phone's camera through ZXing), tells a tube code from an ID number or a resident's QR code by its shape,
 * and registers people into the current tube. Each record gets its client id here and waits in a queue in
 * localStorage until the server has answered it (accepted, duplicate = already uploaded, rejected with the
 * reason): uploads retry with backoff and on the browser's `online` event, and the server counts a client id
 * once, so a flaky connection never counts a person twice. Nothing personal is kept beyond that queue. */
(function () {
  "use strict";
  const print = document.getElementById("qr-print"); // the residents' QR sheet: its one button
  if (print) print.addEventListener("click", () => window.print());
  const config = document.getElementById("collect-config");
  if (!config) return;
  const cfg = JSON.parse(config.textContent);
  const T = cfg.texts;
  const $ = (id) => document.getElementById(id);
  const QUEUE_KEY = `frontline.collect.queue.${cfg.user}.${cfg.site}`;
  const STATE_KEY = `frontline.collect.state.${cfg.user}.${cfg.site}`; // the tube and the re-test switch
  const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const ID_CHECK = "10X98765432";
  const BACKOFF_MIN = 1000, BACKOFF_MAX = 60000;
  let tubePattern;
  try { tubePattern = new RegExp(cfg.tube_pattern); } catch (e) { tubePattern = /^[0-9A-Z][0-9A-Z-]{5,31}$/; }
  const csrf = document.querySelector("#scan-form [name=csrfmiddlewaretoken]").value;

  const fmt = (text, values) => text.replace(/%\((\w+)\)[sd]/g, (m, key) => (key in values ? values[key] : m));

  function load(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; }
  }
  let queue = load(QUEUE_KEY, []);
  let state = load(STATE_KEY, { tube: null, retest: false });
  const saveQueue = () => localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  const saveState = () => localStorage.setItem(STATE_KEY, JSON.stringify(state));
  let last = null; // the record scanned last (in memory only): its outcome is the one confirmed on screen

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // plain http: no randomUUID outside a secure context
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function idValid(number) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += Number(number[i]) * ID_WEIGHTS[i];
    return ID_CHECK[sum % 11] === number[17];
  }

  /* What was scanned or typed: a resident's QR code ("FLP:…"), an ID number (18 characters, its check digit
   * right), or else a tube code. */
  function classify(raw) {
    const value = raw.trim();
    if (!value) return null;
    if (value.startsWith("FLP:")) return { kind: "qr", value };
    const up = value.replace(/\s+/g, "").toUpperCase();
    if (/^\d{17}[\dX]$/.test(up)) return idValid(up) ? { kind: "id", value: up } : { kind: "bad_check", value: up };
    if (tubePattern.test(up)) return { kind: "tube", value: up };
    return { kind: "unknown", value };
  }

  // --- the screen --------------------------------------------------------------------------------------------
  function say(kind, text, sub) {
    const box = $("message");
    box.className = `fl-collect-message alert alert-${kind}`;
    box.textContent = text;
    if (sub) {
      const small = document.createElement("span");
      small.className = "fl-collect-sub";
      small.textContent = sub;
      box.appendChild(small);
    }
  }

  function render() {
    const tube = state.tube;
    $("tube-code").textContent = tube ? tube.code : "—";
    $("tube-count").textContent = tube ? `${tube.count}/${tube.pool}` : "—";
    const full = tube && tube.count >= tube.pool;
    $("full").hidden = !full;
    if (full) $("full").textContent = fmt(T.tube_full, { code: tube.code });
    $("pending").textContent = queue.length ? fmt(T.pending, { n: queue.length }) : T.all_sent;
    $("pending").className = queue.length ? "fw-bold text-danger" : "fw-bold text-success";
    const online = navigator.onLine;
    $("net").textContent = online ? T.online : T.offline;
    $("net").className = `badge ${online ? "text-bg-success" : "text-bg-danger"}`;
    $("retest").setAttribute("aria-pressed", state.retest ? "true" : "false");
    $("retest-banner").hidden = !state.retest;
    document.body.classList.toggle("fl-retest", state.retest);
  }

  function tubeSet(code) {
    if (state.tube && state.tube.code === code) return;
    // Records of this tube still queued here count already; the server's count corrects the rest.
    const queued = queue.filter((r) => r.tube_code === code).length;
    state.tube = { code, count: queued, pool: state.retest ? 1 : cfg.pool };
    saveState();
  }

  /* What the server knows of a tube just scanned (online): samples already in it from earlier, and why it
   * cannot take more. Offline, the screen counts what it queued itself. */
  async function tubeLookup(code) {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(`${cfg.tube_endpoint}?code=${encodeURIComponent(code)}`, {
        credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const tube = await response.json();
      if (!state.tube || state.tube.code !== code) return;
      const queued = queue.filter((r) => r.tube_code === code).length;
      if (!tube.new) state.tube.pool = tube.pool_size;
      state.tube.count = Math.max(state.tube.count, tube.count + queued);
      saveState();
      if (tube.reason) say("danger", tube.reason);
      else if (state.tube.count >= state.tube.pool) say("warning", fmt(T.tube_full, { code }));
      render();
    } catch (e) {
      // No answer: the count corrects itself with the first record's outcome.
    }
  }

  function personAdd(fields) {
    const tube = state.tube;
    if (!tube) return say("danger", T.no_tube);
    if (tube.count >= tube.pool) return say("danger", fmt(T.not_added_full, { code: tube.code }));
    const record = Object.assign({ client_id: uuid(), tube_code: tube.code, collected_at: new Date().toISOString() },
      state.retest ? { retest: true } : {}, fields);
    queue.push(record);
    saveQueue();
    tube.count += 1;
    saveState();
    last = record;
    say("secondary", T.queued, navigator.onLine ? "" : T.queued_note);
    render();
    flush();
  }

  function handle(raw) {
    const item = classify(raw);
    if (!item) return;
    if (item.kind === "tube") {
      tubeSet(item.value);
      const full = state.tube.count >= state.tube.pool;
      say(full ? "warning" : "info", full ? fmt(T.tube_full, { code: item.value }) : T.scan_people);
      tubeLookup(item.value);
    } else if (item.kind === "qr") {
      personAdd({ qr: item.value });
    } else if (item.kind === "id") {
      personAdd({ id_number: item.value });
    } else if (item.kind === "bad_check") {
      say("danger", fmt(T.bad_check, { value: item.value }));
    } else {
      say("danger", fmt(T.not_a_code, { value: item.value.slice(0, 40) }));
    }
    render();
  }

  // --- the server's answers ----------------------------------------------------------------------------------
  function apply(outcome, record) {
    const tube = state.tube;
    const here = tube && record.tube_code === tube.code;
    if (outcome.status === "accepted") {
      if (here && outcome.tube_count) tube.count = Math.max(tube.count, outcome.tube_count);
    } else if (outcome.status === "rejected" && here) {
      tube.count = Math.max(0, tube.count - 1);
      if (outcome.field === "tube_code" && outcome.tube_count) tube.count = outcome.tube_count;
    }
    saveState();
    if (outcome.status === "rejected") {
      say("danger", `${T.rejected}：${outcome.reason || ""}`);
      if (outcome.field === "name" && record === last && record.id_number) visitorOpen(record.id_number, T.needs_name);
    } else if (record === last) {
      if (outcome.status === "accepted") {
        const age = outcome.age !== undefined ? ` ${fmt(T.age, { age: outcome.age })}` : "";
        say("success", `${outcome.masked_name || ""}${age}`, T.accepted);
      } else {
        say("info", T.duplicate);
      }
    }
  }

  let sending = false, backoff = BACKOFF_MIN, timer = null;

  function retryLater() {
    clearTimeout(timer);
    timer = setTimeout(flush, backoff);
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
  }

  /* Upload the queue, a batch at a time; a record leaves it only once the server has answered it. */
  async function flush() {
    if (sending || !queue.length) return render();
    sending = true;
    clearTimeout(timer);
    const batch = queue.slice(0, cfg.batch);
    let answered = false;
    try {
      const response = await fetch(cfg.endpoint, {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
        body: JSON.stringify({ records: batch }),
      });
      const json = (response.headers.get("Content-Type") || "").includes("json") ? await response.json() : null;
      if (response.ok && json && Array.isArray(json.outcomes)) {
        const byId = new Map(batch.map((r) => [r.client_id, r]));
        const done = new Set();
        json.outcomes.forEach((outcome) => {
          const record = byId.get(outcome.client_id);
          if (record) { done.add(record.client_id); apply(outcome, record); }
        });
        queue = queue.filter((r) => !done.has(r.client_id));
        saveQueue();
        answered = true;
        backoff = BACKOFF_MIN;
      } else if (json && json.error) {
        say("danger", json.error); // the batch was refused whole: the records wait, nothing is lost
      } else if (response.type === "opaqueredirect" || response.status === 403) {
        say("danger", T.relogin);
      }
    } catch (e) {
      // Offline or a dropped connection: the records stay queued.
    } finally {
      sending = false;
      render();
    }
    if (answered && queue.length) flush();
    else if (queue.length) retryLater();
  }

  // --- a visitor entered by hand -----------------------------------------------------------------------------
  function visitorOpen(number, note) {
    $("visitor-form").hidden = false;
    $("visitor-id").value = number || "";
    $("visitor-name").value = "";
    if (note) say("warning", note);
    $("visitor-name").focus();
  }

  function visitorClose() {
    $("visitor-form").hidden = true;
    $("visitor-name").value = "";
    $("visitor-id").value = "";
    $("scan").focus();
  }

  $("visitor-open").addEventListener("click", () => visitorOpen(""));
  $("visitor-cancel").addEventListener("click", visitorClose);
  $("visitor-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("visitor-name").value.trim();
    const number = $("visitor-id").value.replace(/\s+/g, "").toUpperCase();
    if (!name || !number) return say("danger", T.visitor_missing);
    if (!/^\d{17}[\dX]$/.test(number) || !idValid(number)) return say("danger", fmt(T.bad_check, { value: number }));
    if (!state.tube) return say("danger", T.no_tube);
    personAdd({ id_number: number, name });
    visitorClose();
  });

  // --- the field, the switches --------------------------------------------------------------------------------
  $("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const field = $("scan");
    const value = field.value;
    field.value = "";
    handle(value);
    field.focus();
  });

  $("retest").addEventListener("click", () => {
    state.retest = !state.retest;
    state.tube = null; // a re-test goes into a single tube of its own
    saveState();
    say(state.retest ? "danger" : "info", state.retest ? T.retest_on : T.retest_off);
    render();
  });

  $("tube-end").addEventListener("click", () => {
    state.tube = null;
    saveState();
    say("info", T.scan_tube);
    render();
    $("scan").focus();
  });

  // --- the phone's camera (ZXing reads QR codes and 1D barcodes such as Code 128) -----------------------------
  let controls = null;

  function cameraClose() {
    if (controls) { controls.stop(); controls = null; }
    $("camera-panel").hidden = true;
  }

  $("camera-open").addEventListener("click", async () => {
    if (!window.ZXingBrowser || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return say("danger", T.camera_none);
    }
    $("camera-panel").hidden = false;
    try {
      const reader = new window.ZXingBrowser.BrowserMultiFormatReader();
      controls = await reader.decodeFromConstraints({ video: { facingMode: "environment" } }, $("camera-video"),
        (result) => {
          if (!result) return;
          cameraClose();
          handle(result.getText());
        });
    } catch (e) {
      cameraClose();
      say("danger", T.camera_none);
    }
  });
  $("camera-close").addEventListener("click", cameraClose);

  // A scanner's keystrokes while no field has the focus (after a tap on a button) go to the scan field.
  document.addEventListener("keydown", (event) => {
    const active = document.activeElement;
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
    if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) return;
    $("scan").focus();
  });

  window.addEventListener("online", () => { backoff = BACKOFF_MIN; render(); flush(); });
  window.addEventListener("offline", render);
  if (state.tube) say("info", T.scan_people);
  render();
  flush();
})();
