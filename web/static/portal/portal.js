// The customer portal: one case, its conversation with the organisation and its booking, live.
// A plain module, no framework and no build step, small enough for a cheap phone on a slow
// network. The page carries everything the first screen needs (#portal-boot); texts come from
// Django's JavaScript catalogue in the organisation's language (gettext, ngettext, interpolate).

const boot = JSON.parse(document.getElementById("portal-boot").textContent);
const root = document.getElementById("portal");
const organization = boot.organization.name;
const locale = boot.organization.locale;
const messages = new Map(); // id → message, as /api/portal/messages shows them
let booking = boot.booking;
let hasMore = boot.has_more;
const pending = []; // files chosen for the next message: {name, preview, id, state}
let sendingId = null; // the client_id of a message being sent, kept until it is stored

// --- Small helpers -------------------------------------------------------------------------

function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (key === "disabled" || key === "multiple" || key === "hidden") node[key] = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const fmt = (text, values) => interpolate(text, values, true);
const timeFormat = new Intl.DateTimeFormat(locale, {
  timeZone: boot.organization.time_zone,
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const sizeFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

function formatSize(bytes) {
  if (bytes < 1024 * 1024) return `${sizeFormat.format(Math.max(1, Math.round(bytes / 1024)))} kB`;
  return `${sizeFormat.format(bytes / (1024 * 1024))} MB`;
}

function newClientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function csrfToken() {
  const found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return found ? decodeURIComponent(found[1]) : "";
}

class PortalError extends Error {}

/** A portal door. A session that no longer holds reloads the page, which then says why. */
async function call(url, { method = "GET", json, form } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new PortalError(gettext("No connection. Check your network and try again."));
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    if (response.status === 401 || String(error.code || "").startsWith("portal_")) {
      location.reload();
    }
    if (response.status === 413 && !error.message) {
      throw new PortalError(fmt(gettext("The file is larger than the limit of %(limit)s."), { limit: boot.upload.limit }));
    }
    throw new PortalError(error.message || gettext("Something went wrong. Please try again."));
  }
  return data;
}

// --- The page ------------------------------------------------------------------------------

const bookingCard = h("section", { class: "p-card p-booking", "aria-labelledby": "p-booking-title", "data-testid": "booking", hidden: true });
const earlier = h("button", { type: "button", class: "p-link", on: { click: loadEarlier } }, gettext("Show earlier messages"));
const thread = h("ol", { class: "p-thread", role: "log", "aria-live": "polite", "aria-label": gettext("Messages"), "data-testid": "messages" });
const empty = h("p", { class: "p-muted p-empty" }, fmt(gettext("No messages yet. Write to %(organization)s here."), { organization }));
const errorLine = h("p", { class: "p-error", role: "alert", hidden: true });
const liveLine = h("p", { class: "p-live", role: "status", "data-testid": "live" });

const textarea = h("textarea", {
  id: "p-text",
  rows: 2,
  maxlength: 20000,
  placeholder: fmt(gettext("Write to %(organization)s"), { organization }),
  on: { input: () => { sendingId = null; updateSend(); }, keydown: sendOnCtrlEnter },
});
const camera = h("input", { type: "file", accept: "image/*", capture: "environment", class: "p-file-input", "data-testid": "camera", on: { change: pick } });
const picker = h("input", { type: "file", multiple: true, class: "p-file-input", "data-testid": "file-picker", on: { change: pick } });
const chips = h("ul", { class: "p-chips", "aria-label": gettext("Files to send"), "data-testid": "pending-files" });
const sendButton = h("button", { type: "submit", class: "p-button p-primary", disabled: true }, gettext("Send"));
const composer = h(
  "form",
  { class: "p-composer", "data-testid": "composer", on: { submit: send } },
  h("label", { for: "p-text", class: "p-hidden" }, fmt(gettext("Write to %(organization)s"), { organization })),
  textarea,
  chips,
  h(
    "div",
    { class: "p-tools" },
    h("label", { class: "p-button p-tool" }, camera, h("span", { "aria-hidden": "true" }, "📷"), ` ${gettext("Take a photo")}`),
    h("label", { class: "p-button p-tool" }, picker, h("span", { "aria-hidden": "true" }, "📎"), ` ${gettext("Add a file")}`),
    sendButton,
  ),
  h("p", { class: "p-muted p-small" }, fmt(gettext("Photos and files up to %(limit)s each."), { limit: boot.upload.limit })),
);

root.append(bookingCard, h("section", { class: "p-conversation", "aria-label": gettext("Conversation") }, earlier, thread, empty), errorLine, composer, liveLine);

function showError(text) {
  errorLine.textContent = text;
  errorLine.hidden = !text;
}

// --- Messages ------------------------------------------------------------------------------

function fileView(file) {
  if (file.content_type.startsWith("image/")) {
    return h("a", { class: "p-photo", href: file.url, target: "_blank", rel: "noopener" }, h("img", { src: file.url, alt: file.name, loading: "lazy" }));
  }
  return h("a", { class: "p-file", href: file.url, target: "_blank", rel: "noopener" }, h("span", { "aria-hidden": "true" }, "📎 "), `${file.name} (${formatSize(file.size)})`);
}

function messageView(message) {
  const fromCustomer = message.direction === "in";
  return h(
    "li",
    {
      class: ["p-message", fromCustomer ? "p-in" : "p-out", message.automatic && "p-automatic"],
      dataset: { messageId: message.id, direction: message.direction },
    },
    h(
      "p",
      { class: "p-meta" },
      h("span", { class: "p-author" }, message.mine ? gettext("You") : message.author),
      " · ",
      h("time", { datetime: message.created }, timeFormat.format(new Date(message.created))),
    ),
    message.text ? h("p", { class: "p-text" }, message.text) : null,
    message.attachments.length ? h("div", { class: "p-files" }, message.attachments.map(fileView)) : null,
  );
}

function renderThread() {
  const sorted = [...messages.values()].sort((a, b) => a.id - b.id);
  readWatch.disconnect();
  thread.replaceChildren(...sorted.map(messageView));
  for (const node of thread.children) {
    const message = messages.get(Number(node.dataset.messageId));
    if (message.direction === "out" && !message.read) readWatch.observe(node);
  }
  empty.hidden = sorted.length > 0;
  earlier.hidden = !hasMore;
}

function add(message, { scroll = false } = {}) {
  const known = messages.has(message.id);
  messages.set(message.id, message);
  renderThread();
  if (!known && scroll) thread.lastElementChild?.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

async function loadEarlier() {
  const oldest = Math.min(...messages.keys());
  earlier.disabled = true;
  try {
    const page = await call(`/api/portal/messages?before=${oldest}`);
    hasMore = page.has_more;
    for (const message of page.results) messages.set(message.id, message);
    renderThread();
  } catch (error) {
    showError(error.message);
  } finally {
    earlier.disabled = false;
  }
}

/** Messages that came while the socket was away. */
async function catchUp() {
  let more = true;
  while (more) {
    const newest = Math.max(0, ...messages.keys());
    const page = await call(`/api/portal/messages?after=${newest}`);
    for (const message of page.results) messages.set(message.id, message);
    more = page.has_more && page.results.length > 0;
  }
  renderThread();
}

// --- Read marks: the organisation sees when a message was on the customer's screen ---------

const onScreen = new Set();
let readUpTo = 0;
let readTimer = null;

const readWatch = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      const id = Number(entry.target.dataset.messageId);
      const seen = entry.isIntersecting && (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= 120);
      if (seen) onScreen.add(id);
      else onScreen.delete(id);
    }
    scheduleRead();
  },
  { threshold: [0, 0.25, 0.5, 1] },
);

function scheduleRead() {
  clearTimeout(readTimer);
  readTimer = setTimeout(sendRead, 500);
}

async function sendRead() {
  if (document.visibilityState !== "visible" || !onScreen.size) return;
  const upTo = Math.max(...onScreen);
  if (upTo <= readUpTo) return;
  readUpTo = upTo;
  try {
    const answer = await call("/api/portal/read", { method: "POST", json: { message_id: upTo } });
    const now = new Date().toISOString();
    for (const id of answer.marked) {
      const message = messages.get(id);
      if (message) message.read = now;
      onScreen.delete(id);
    }
    for (const id of onScreen) if (id <= upTo) onScreen.delete(id);
    renderThread();
  } catch {
    readUpTo = 0; // asked again when the next message comes on screen
  }
}

document.addEventListener("visibilitychange", scheduleRead);

// --- The booking -------------------------------------------------------------------------

const BOOKING_NOTES = {
  awaiting_response: () => gettext("Does the time suit you?"),
  confirmed: () => gettext("The time is confirmed. Thank you!"),
  manual_follow_up: () => gettext("We will contact you to find a time that suits you. Write below what suits you better."),
};

function renderBooking() {
  bookingCard.hidden = !booking;
  if (!booking) return;
  const note = BOOKING_NOTES[booking.state];
  const buttons = [];
  if (booking.answers.includes("confirm")) {
    buttons.push(h("button", { type: "button", class: "p-button p-primary p-big", "data-testid": "confirm-booking", on: { click: (event) => answer(event, "confirm") } }, gettext("Confirm the time")));
  }
  if (booking.answers.includes("another_time")) {
    buttons.push(h("button", { type: "button", class: "p-button p-big", "data-testid": "another-time", on: { click: (event) => answer(event, "another_time") } }, gettext("Ask for another time")));
  }
  bookingCard.replaceChildren(
    h("h2", { id: "p-booking-title" }, gettext("Your visit")),
    h("p", { class: "p-when" }, h("strong", {}, booking.date), h("span", {}, booking.time)),
    booking.technician ? h("p", {}, fmt(gettext("%(name)s from %(organization)s is coming."), { name: booking.technician, organization })) : null,
    h("p", { class: ["p-state", `p-state-${booking.state}`], "data-testid": "booking-state", "data-state": booking.state }, note ? note() : booking.state_label),
    buttons.length ? h("div", { class: "p-answers" }, buttons) : null,
  );
}

async function answer(event, kind) {
  const buttons = bookingCard.querySelectorAll("button");
  buttons.forEach((button) => { button.disabled = true; });
  try {
    const result = await call("/api/portal/booking", { method: "POST", json: { answer: kind } });
    booking = result.booking;
    add(result.message);
    showError("");
  } catch (error) {
    showError(error.message);
  } finally {
    renderBooking();
  }
}

// --- Writing, photos and files -------------------------------------------------------------

function updateSend() {
  const uploading = pending.some((chip) => chip.state === "uploading");
  const ready = pending.some((chip) => chip.state === "ready");
  sendButton.disabled = uploading || (!textarea.value.trim() && !ready);
}

function renderPending() {
  chips.replaceChildren(
    ...pending.map((chip) =>
      h(
        "li",
        { class: ["p-chip", `p-chip-${chip.state}`], dataset: { state: chip.state } },
        chip.preview ? h("img", { src: chip.preview, alt: "" }) : h("span", { "aria-hidden": "true" }, "📎"),
        h("span", { class: "p-chip-name" }, chip.name),
        chip.state === "uploading" ? h("span", { class: "p-muted" }, gettext("Uploading…")) : null,
        h("button", { type: "button", class: "p-chip-remove", "aria-label": fmt(gettext("Remove %(name)s"), { name: chip.name }), on: { click: () => unpick(chip) } }, "×"),
      ),
    ),
  );
  updateSend();
}

function unpick(chip) {
  const index = pending.indexOf(chip);
  if (index >= 0) pending.splice(index, 1);
  if (chip.preview) URL.revokeObjectURL(chip.preview);
  sendingId = null;
  renderPending();
}

function pick(event) {
  const files = Array.from(event.target.files || []);
  event.target.value = "";
  for (const file of files) upload(file);
}

async function upload(file) {
  if (file.size > boot.upload.max_bytes) {
    showError(fmt(gettext("“%(name)s” is larger than the limit of %(limit)s."), { name: file.name, limit: boot.upload.limit }));
    return;
  }
  const chip = { name: file.name, preview: file.type.startsWith("image/") ? URL.createObjectURL(file) : null, id: null, state: "uploading" };
  pending.push(chip);
  sendingId = null;
  renderPending();
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const stored = await call("/api/portal/attachments", { method: "POST", form });
    chip.id = stored.id;
    chip.state = "ready";
    showError("");
  } catch (error) {
    pending.splice(pending.indexOf(chip), 1);
    showError(`${file.name}: ${error.message}`);
  }
  renderPending();
}

function sendOnCtrlEnter(event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) composer.requestSubmit();
}

async function send(event) {
  event.preventDefault();
  const text = textarea.value.trim();
  const files = pending.filter((chip) => chip.state === "ready");
  if (sendButton.disabled || (!text && !files.length)) return;
  sendingId = sendingId || newClientId();
  sendButton.disabled = true;
  sendButton.textContent = gettext("Sending…");
  try {
    const answer = await call("/api/portal/messages", {
      method: "POST",
      json: { text, client_id: sendingId, attachments: files.map((chip) => chip.id) },
    });
    add(answer.message, { scroll: true });
    textarea.value = "";
    for (const chip of files) unpick(chip);
    sendingId = null;
    showError("");
  } catch (error) {
    showError(error.message); // the text and the files stay, to send again
  } finally {
    sendButton.textContent = gettext("Send");
    renderPending();
  }
}

// --- Live ------------------------------------------------------------------------------------

let retries = 0;

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${boot.socket}`);
  socket.addEventListener("message", (event) => {
    const frame = JSON.parse(event.data);
    if (frame.type === "hello") {
      retries = 0;
      liveLine.textContent = "";
      liveLine.dataset.state = "live";
      catchUp().catch((error) => showError(error.message));
    } else if (frame.type === "message") {
      const stick = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
      add(frame.message, { scroll: stick });
      if ("booking" in frame) {
        booking = frame.booking;
        renderBooking();
      }
    }
  });
  socket.addEventListener("close", (event) => {
    liveLine.dataset.state = "offline";
    if (event.code === 4401 || event.code === 4403) {
      location.reload(); // the page says why the case cannot be shown any more
      return;
    }
    liveLine.textContent = gettext("Reconnecting…");
    const delay = Math.min(30000, 1000 * 2 ** retries) * (0.5 + Math.random() / 2);
    retries += 1;
    setTimeout(connect, delay);
  });
}

// --- Start ---------------------------------------------------------------------------------

for (const message of boot.messages) messages.set(message.id, message);
renderThread();
renderBooking();
const firstUnread = [...thread.children].find((node) => node.dataset.direction === "out" && !messages.get(Number(node.dataset.messageId)).read);
if (firstUnread && firstUnread.getBoundingClientRect().bottom > window.innerHeight) {
  firstUnread.scrollIntoView({ block: "center" });
}
connect();
document.documentElement.dataset.ready = "portal";
