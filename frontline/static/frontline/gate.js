/* The checkpoint staff's screen (卡口查验): one field takes a hand-held scanner's keystrokes and Enter (or typing),
 * Enter moves on to the temperature, and tapping the health-code colour seen on the person's phone sends the check.
 * There is no default colour: nothing is sent until the staff tap what they see. Each check carries a client id
 * made here; it is kept until the server answers, so a double tap or a resend after a lost answer counts once
 * (the server answers the first verdict again). In/out is kept between checks (and across reloads). The verdict
 * shows at once in large type, with the masked name and the age only. */
(function () {
  "use strict";
  const config = document.getElementById("gate-config");
  if (!config) return;
  const cfg = JSON.parse(config.textContent);
  const T = cfg.texts;
  const $ = (id) => document.getElementById(id);
  const form = $("scan-form");
  const person = $("person"), temperature = $("temperature"), itinerary = $("itinerary");
  const manualBox = $("manual-box"), manual = $("manual");
  const verdict = $("verdict"), recent = $("recent"), clientId = $("client-id");
  const colours = Array.from(form.querySelectorAll("button[name=code_colour]"));
  const DIRECTION_KEY = `frontline.gate.direction.${cfg.user}.${cfg.site}`;
  let busy = false;

  const fmt = (text, values) => text.replace(/%\((\w+)\)[sd]/g, (m, key) => (key in values ? values[key] : m));

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16)); // plain http: no randomUUID outside a secure context
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  const freshId = () => { clientId.value = uuid(); };

  // In/out stays as the staff left it: a gate often checks one way for an hour.
  try {
    const kept = localStorage.getItem(DIRECTION_KEY);
    const radio = kept && form.querySelector(`input[name=direction][value="${kept}"]`);
    if (radio) radio.checked = true;
  } catch (e) { /* private mode: the page's default */ }
  form.querySelectorAll("input[name=direction]").forEach((r) => r.addEventListener("change", () => {
    try { localStorage.setItem(DIRECTION_KEY, r.value); } catch (e) { /* ignore */ }
    person.focus();
  }));

  // Anything changed about the person makes a new check (a new client id); a resend of the same is the same.
  [person, temperature, itinerary, $("manual-name"), $("manual-id"), $("manual-phone"), manual].forEach((el) =>
    el.addEventListener("input", freshId));
  manualBox.addEventListener("toggle", () => {
    manual.checked = manualBox.open;
    freshId();
    if (manualBox.open) $("manual-name").focus(); else person.focus();
  });

  function show(kind, word, lines) {
    verdict.className = `fl-gate-verdict fl-gate-${kind}`;
    verdict.textContent = "";
    const big = document.createElement("div");
    big.className = kind === "idle" || kind === "error" ? "fl-gate-word fl-gate-word-small" : "fl-gate-word";
    big.dataset.testid = "verdict-word";
    big.textContent = word;
    verdict.appendChild(big);
    lines.forEach(([cls, text, testid]) => {
      if (!text) return;
      const line = document.createElement("div");
      line.className = cls;
      if (testid) line.dataset.testid = testid;
      line.textContent = text;
      verdict.appendChild(line);
    });
  }

  function who(v) {
    return v.age === null || v.age === undefined ? v.name : `${v.name} · ${fmt(T.age, { age: v.age })}`;
  }

  function showVerdict(v) {
    show(v.passed ? "pass" : "stop", v.passed ? T.passed : T.stopped, [
      ["fl-gate-reasons", v.reasons.join("、"), "verdict-reasons"],
      ["fl-gate-who", who(v), "verdict-who"],
      ["fl-gate-note", v.duplicate ? T.duplicate : "", "verdict-duplicate"],
    ]);
  }

  function drawRecent(rows) {
    recent.textContent = "";
    rows.forEach((r) => {
      const li = document.createElement("li");
      li.className = `list-group-item d-flex justify-content-between gap-2${r.passed ? "" : " list-group-item-danger"}`;
      const left = document.createElement("span");
      left.textContent = `${r.at} · ${r.direction} · ${who(r)}`;
      const right = document.createElement("span");
      right.textContent = r.passed ? T.passed : (r.reasons.length ? `${T.stopped}: ${r.reasons.join("、")}` : T.stopped);
      li.append(left, right);
      recent.appendChild(li);
    });
  }

  function missing() {
    if (manual.checked) {
      if (!$("manual-name").value.trim() || !$("manual-id").value.trim() || !$("manual-phone").value.trim()) {
        return [T.need_manual, $("manual-name")];
      }
    } else if (!person.value.trim()) {
      return [T.need_person, person];
    }
    if (!temperature.value.trim()) return [T.need_temperature, temperature];
    return null;
  }

  function reset() {
    person.value = ""; temperature.value = ""; itinerary.checked = false;
    $("manual-name").value = ""; $("manual-id").value = ""; $("manual-phone").value = "";
    if (manualBox.open) manualBox.open = false; // its toggle event unticks "manual" and focuses the field
    manual.checked = false;
    freshId();
    person.focus();
  }

  function setBusy(on) {
    busy = on;
    verdict.classList.toggle("fl-gate-busy", on);
    colours.forEach((b) => { b.disabled = on; });
  }

  async function send(colour) {
    const body = new FormData(form);
    body.set("code_colour", colour);
    body.set("manual", manual.checked ? "1" : "");
    setBusy(true);
    show("idle", T.sending, []);
    let response;
    try {
      response = await fetch(cfg.endpoint, { method: "POST", body, credentials: "same-origin",
                                              headers: { Accept: "application/json" }, redirect: "manual" });
    } catch (e) {
      setBusy(false);
      show("error", T.refused, [["fl-gate-reasons", T.offline, "verdict-error"]]); // same client id: a resend counts once
      return;
    }
    setBusy(false);
    if (response.type === "opaqueredirect" || response.status === 403 && !response.headers.get("Content-Type")?.includes("json")) {
      show("error", T.refused, [["fl-gate-reasons", T.relogin, "verdict-error"]]);
      return;
    }
    let data = {};
    try { data = await response.json(); } catch (e) { data = { error: T.offline }; }
    if (!response.ok || !data.verdict) {
      show("error", T.refused, [["fl-gate-reasons", data.error || T.offline, "verdict-error"]]);
      return;
    }
    showVerdict(data.verdict);
    if (data.recent) drawRecent(data.recent);
    reset();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return; // a double tap while the first is on its way
    const colour = event.submitter && event.submitter.name === "code_colour" ? event.submitter.value : "";
    const gap = missing();
    if (gap) {
      show("idle", gap[0], []);
      gap[1].focus();
      return;
    }
    if (!colour) {
      show("idle", T.need_colour, []);
      return;
    }
    send(colour);
  });

  // Enter in the person field (a scanner's last key) moves on to the temperature; Enter there asks for the colour.
  person.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (!person.value.trim()) return;
    temperature.focus();
    show("idle", temperature.value.trim() ? T.need_colour : T.need_temperature, []);
  });
  temperature.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    temperature.blur(); // the phone's keypad closes: the colour buttons are in view
    show("idle", T.need_colour, []);
  });
})();
