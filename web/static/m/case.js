// A case on the phone: the visit (when, where, whom to call), the thread with the customer and
// the internal notes (two tabs), and a composer that takes photos from the camera. Everything
// written goes to the outbox first (outbox.js), so it is kept without a connection and shown in
// the thread as waiting until the hub has it; the live socket adds what others write.
import { api, errorText } from "../js/api.js";
import { me } from "../js/boot.js";
import { $, fill, h } from "../js/dom.js";
import { dayKey, fmt, formatLongDate, formatSize, formatTime } from "../js/i18n.js";
import { live } from "../js/live.js";
import { audienceTabs } from "../js/tabs.js";
import { messageView } from "../js/thread.js";
import { label, toast } from "../js/ui.js";
import { contactLine, loadCase, mapLink, olderMessages } from "./data.js";
import { dayPath } from "./day.js";
import { discard, enqueue, onOutbox, pending, retry } from "./outbox.js";

// A phone's camera makes photos of several megabytes; this is plenty to see a fuse box by.
const SHRINK_ABOVE_BYTES = 1_500_000;
const SHRINK_TO_PIXELS = 2048;
const PHOTO_ONLY_TEXT = "📷";

/** A large JPEG from the camera made smaller before it is kept and sent; anything else (or a
 *  browser that cannot) as it is. */
async function shrink(file) {
  if (file.type !== "image/jpeg" || file.size <= SHRINK_ABOVE_BYTES || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SHRINK_TO_PIXELS / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return blob && blob.size < file.size ? new File([blob], file.name, { type: "image/jpeg" }) : file;
  } catch {
    return file;
  }
}

class CaseView {
  constructor(root, caseId) {
    this.root = root;
    this.id = caseId;
    this.messages = new Map();
    this.waiting = [];
    this.photos = [];
    this.urls = [];
    this.tab = "customer";
    this.cleanups = [];
    this.stopped = false;
  }

  async start() {
    fill(this.root, h("p", { class: "muted m-status" }, gettext("Loading…")));
    let loaded;
    try {
      loaded = await loadCase(this.id);
    } catch (error) {
      if (this.stopped) return;
      fill(
        this.root,
        h("p", { class: "m-status error", role: "alert" }, errorText(error)),
        h("p", {}, h("a", { href: "/m/", "data-link": true }, gettext("Back to my day"))),
      );
      document.documentElement.dataset.ready = "case";
      return;
    }
    if (this.stopped) return;
    this.case = loaded.case;
    this.booking = loaded.booking;
    this.recipients = loaded.recipients;
    this.hasOlder = loaded.hasMore;
    for (const message of loaded.messages) this.messages.set(message.id, message);
    this.tab = this.case.customer ? "customer" : "internal";
    this.waiting = await pending(this.id);
    this.render();
    this.listen();
    document.documentElement.dataset.ready = "case";
    window.scrollTo(0, document.body.scrollHeight);
    this.markRead();
  }

  stop() {
    this.stopped = true;
    for (const cleanup of this.cleanups) cleanup();
    for (const url of this.urls) URL.revokeObjectURL(url);
  }

  listen() {
    const mine = (frame) => frame.case_id === this.id;
    const on = (type, fn) => this.cleanups.push(live.on(type, (frame) => mine(frame) && fn(frame)));
    on("message.created", (frame) => this.add(frame.message));
    on("message.updated", (frame) => this.add(frame.message));
    on("case.updated", (frame) => {
      const before = this.case.customer_channel;
      this.case = { ...this.case, ...frame.case };
      if (this.case.customer_channel !== before) this.renderComposer();
    });
    this.cleanups.push(live.openCase(this.id, () => this.newestId()));
    const connection = () => this.renderThread();
    window.addEventListener("online", connection);
    window.addEventListener("offline", connection);
    this.cleanups.push(() => {
      window.removeEventListener("online", connection);
      window.removeEventListener("offline", connection);
    });
    this.cleanups.push(
      onOutbox(async (event) => {
        if (event.type === "sent" && event.message.case_id === this.id) this.add(event.message);
        if (event.type === "changed") {
          this.waiting = await pending(this.id);
          if (!this.stopped) this.renderThread();
        }
      }),
    );
  }

  newestId() {
    let newest = 0;
    for (const id of this.messages.keys()) newest = Math.max(newest, id);
    return newest || null;
  }

  add(message) {
    const known = this.messages.has(message.id);
    this.messages.set(message.id, message);
    this.renderThread();
    if (!known) {
      window.scrollTo(0, document.body.scrollHeight);
      this.markRead();
    }
  }

  async markRead() {
    const newest = this.newestId();
    if (!newest || !navigator.onLine || document.visibilityState !== "visible") return;
    try {
      await api(`/api/cases/${this.id}/read`, { method: "POST", body: { message_id: newest } });
    } catch {
      // Read or not, the thread is on screen; the next message tries again.
    }
  }

  // ---------------------------------------------------------------- screen

  render() {
    this.tabs = h("div", { class: "thread-tabs m-tabs", role: "tablist", "aria-label": gettext("Conversation") });
    this.thread = h("div", { class: "m-thread", id: "thread", role: "log", "aria-live": "polite", "aria-relevant": "additions", "data-testid": "thread" });
    this.composerBox = h("div", { class: "m-composer-box" });
    fill(this.root, h("div", { class: "m-case" }, this.head(), this.tabs, this.thread, this.composerBox));
    this.renderThread();
    this.renderComposer();
  }

  head() {
    const c = this.case;
    const booking = this.booking?.start ? this.booking : null;
    const backDay = booking ? dayKey(new Date(booking.start)) : dayKey();
    const address = this.booking?.case.address || "";
    return h(
      "header",
      { class: "m-case-head" },
      h("a", { class: "m-back", href: dayPath(backDay), "data-link": true }, "‹ ", backDay === dayKey() ? gettext("My day") : formatLongDate(booking.start)),
      h("h1", {}, h("span", { class: "ref" }, c.reference), " ", c.title),
      booking
        ? h(
            "p",
            { class: "m-line" },
            h("span", { class: "m-window" }, `${formatTime(booking.start)}–${formatTime(booking.end)}`),
            " ",
            h("span", { class: ["badge", "bk-state", `bk-state-${booking.state}`] }, label("booking_state", booking.state)),
          )
        : null,
      address ? h("p", { class: "m-line" }, h("a", { href: mapLink(address), target: "_blank", rel: "noopener" }, "📍 ", address)) : null,
      contactLine(c.customer?.name || "", c.contact),
    );
  }

  renderTabs() {
    const keys = this.case.customer ? ["customer", "internal"] : ["internal"];
    const names = { customer: gettext("Customer"), internal: gettext("Internal") };
    const waiting = (key) => this.waiting.filter((item) => item.audience === key).length;
    fill(
      this.tabs,
      audienceTabs(keys, this.tab, (key) => this.switchTab(key), (key) => [
        key === "internal" ? "🔒 " : null,
        names[key],
        this.tab !== key && waiting(key) ? h("span", { class: "m-tab-waiting" }, ` 🕓${waiting(key)}`) : null,
      ]),
    );
    this.thread.setAttribute("aria-labelledby", `tab-${this.tab}`);
  }

  switchTab(key) {
    this.tab = key;
    this.renderThread();
    this.renderComposer();
    window.scrollTo(0, document.body.scrollHeight);
  }

  renderThread() {
    if (!this.thread) return;
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
    const sent = new Set([...this.messages.values()].map((message) => message.client_id).filter(Boolean));
    const shown = [...this.messages.values()].filter((m) => m.audience === this.tab).sort((a, b) => a.id - b.id);
    const waiting = this.waiting.filter((item) => item.audience === this.tab && !sent.has(item.client_id));
    const older = this.hasOlder
      ? h("button", { type: "button", class: "btn btn-small older", on: { click: (event) => this.loadOlder(event.currentTarget) } }, gettext("Show older messages"))
      : null;
    const empty =
      !shown.length && !waiting.length
        ? h("p", { class: "empty" }, this.tab === "internal" ? gettext("No internal notes yet. Only colleagues see them.") : gettext("No messages with the customer yet."))
        : null;
    fill(this.thread, older, empty, shown.map((message) => messageView(message)), waiting.map((item) => this.waitingView(item)));
    this.renderTabs();
  }

  async loadOlder(button) {
    button.disabled = true;
    try {
      const page = await olderMessages(this.id, Math.min(...this.messages.keys()));
      for (const message of page.results) this.messages.set(message.id, message);
      this.hasOlder = page.has_more;
      this.renderThread();
    } catch (error) {
      button.disabled = false;
      toast(errorText(error), "error");
    }
  }

  /** Written here, not yet stored by the hub: marked so, with its photos from the phone. */
  waitingView(item) {
    const photos = item.photos.map((photo) => {
      const url = URL.createObjectURL(photo.blob);
      this.urls.push(url);
      return h("span", { class: "attachment image" }, h("img", { src: url, alt: photo.name }));
    });
    const failed = Boolean(item.failed);
    return h(
      "article",
      {
        class: ["message", "out", "staff", "m-waiting", item.audience, failed && "m-failed"],
        dataset: { clientId: item.client_id, testid: failed ? "failed" : "waiting" },
      },
      h(
        "header",
        {},
        h("strong", { class: "author" }, me.name),
        item.audience === "internal" ? h("span", { class: "internal-mark" }, gettext("Internal note")) : h("span", { class: "channel" }, label("channel", item.channel)),
      ),
      item.text === PHOTO_ONLY_TEXT && photos.length ? null : h("div", { class: "text" }, item.text),
      photos.length ? h("div", { class: "attachments" }, photos) : null,
      h(
        "footer",
        {},
        failed
          ? h(
              "span",
              { class: "m-failed-line" },
              h("span", { class: "error" }, "⚠ ", fmt(gettext("Not sent: %(reason)s"), { reason: item.failed })),
              h("button", { type: "button", class: "btn btn-small", on: { click: () => retry(item.client_id) } }, gettext("Try again")),
              h("button", { type: "button", class: "btn btn-small btn-danger", on: { click: () => discard(item.client_id) } }, gettext("Discard")),
            )
          : h("span", { class: "m-waiting-mark" }, "🕓 ", navigator.onLine ? gettext("Sending…") : gettext("Waiting for a connection")),
      ),
    );
  }

  // ---------------------------------------------------------------- composer

  channels() {
    const contact = this.recipients.find((one) => one.is_case_contact) || null;
    const options = [["web", gettext("Portal")]];
    if (contact?.email) options.push(["email", gettext("E-mail")]);
    if (contact?.phone && !contact.sms_opted_out) options.push(["sms", gettext("SMS")]);
    return options;
  }

  renderComposer() {
    if (!this.composerBox) return;
    const internal = this.tab === "internal";
    const refused = !internal && !this.case.customer_channel;
    const options = this.channels();
    const chosen = this.channel && options.some(([key]) => key === this.channel) ? this.channel : (options.find(([key]) => key === "email") || options.at(-1))[0];
    this.channel = chosen;
    // A draft survives the composer being drawn again (another tab, the customer channel).
    const draft = this.composerBox.querySelector("textarea")?.value || "";
    const text = h("textarea", {
      value: draft,
      rows: 2,
      "aria-label": internal ? gettext("Internal note") : gettext("Message to the customer"),
      placeholder: internal ? gettext("Internal note: only colleagues see it. @name to mention") : gettext("Message to the customer"),
      disabled: refused,
    });
    const photoInput = h("input", {
      type: "file",
      accept: "image/*",
      capture: "environment",
      multiple: true,
      id: "m-photo",
      class: "visually-hidden",
      disabled: refused,
      on: { change: (event) => this.choosePhotos(event.target) },
    });
    this.photoList = h("ul", { class: "composer-files m-photos", "aria-label": gettext("Photos to send") });
    const form = h(
      "form",
      {
        class: ["composer", "m-composer", internal && "internal"],
        "data-testid": "composer",
        on: {
          submit: (event) => {
            event.preventDefault();
            this.send(text);
          },
        },
      },
      refused ? h("p", { class: "composer-refusal", role: "status" }, gettext("Customer messages are turned off for this case (the bell). Turn them on to write to the customer.")) : null,
      internal
        ? null
        : h(
            "label",
            { class: "m-channel" },
            h("span", {}, gettext("Send by")),
            h(
              "select",
              { disabled: refused, on: { change: (event) => (this.channel = event.target.value) } },
              options.map(([key, name]) => h("option", { value: key, selected: key === chosen }, name)),
            ),
          ),
      text,
      this.photoList,
      h(
        "div",
        { class: "composer-actions" },
        h("label", { for: "m-photo", class: ["btn", refused && "disabled"] }, "📷 ", gettext("Photo")),
        photoInput,
        h("button", { type: "submit", class: "btn btn-primary", disabled: refused }, internal ? gettext("Add note") : gettext("Send")),
      ),
    );
    fill(this.composerBox, form);
    this.renderPhotos();
  }

  async choosePhotos(input) {
    const files = [...input.files];
    input.value = "";
    for (const file of files) this.photos.push(await shrink(file));
    this.renderPhotos();
  }

  renderPhotos() {
    fill(
      this.photoList,
      this.photos.map((photo) =>
        h(
          "li",
          { class: "file-chip" },
          `📷 ${photo.name} (${formatSize(photo.size)})`,
          h(
            "button",
            {
              type: "button",
              class: "linkish",
              "aria-label": fmt(gettext("Remove %(name)s"), { name: photo.name }),
              on: {
                click: () => {
                  this.photos = this.photos.filter((other) => other !== photo);
                  this.renderPhotos();
                },
              },
            },
            "✕",
          ),
        ),
      ),
    );
  }

  async send(textarea) {
    const text = textarea.value.trim();
    if (!text && !this.photos.length) {
      textarea.focus();
      return;
    }
    // The photos go with this message: one picked while it is being kept goes with the next.
    const photos = this.photos;
    this.photos = [];
    this.renderPhotos();
    try {
      await enqueue({
        case_id: this.id,
        audience: this.tab,
        channel: this.tab === "customer" ? this.channel : "web",
        text: text || PHOTO_ONLY_TEXT,
        photos,
      });
    } catch (error) {
      // The browser would not keep it (storage full or refused): nothing was lost, it is still here.
      this.photos = [...photos, ...this.photos];
      this.renderPhotos();
      toast(fmt(gettext("The message could not be kept on this phone: %(reason)s"), { reason: error?.message || String(error) }), "error");
      return;
    }
    if (textarea.value.trim() === text) textarea.value = "";
    window.scrollTo(0, document.body.scrollHeight);
  }
}

export async function mount(root, params) {
  const view = new CaseView(root, Number(params.id));
  await view.start();
  return () => view.stop();
}
