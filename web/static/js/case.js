// A case: the conversation (Customer and Internal tabs), the composer, and beside it what the
// case is (status, priority, deadline, who has it), its booking, files, sent log and event log.
// Live while open: messages, edits, ticks, who read what, who types, who else is looking.
import { api } from "./api.js";
import { boot, me } from "./boot.js";
import { mountBookingPanel } from "./booking.js";
import { Composer } from "./composer.js";
import { $, clear, fill, h } from "./dom.js";
import { fmt, formatDateTime, formatSize, fromZonedInput, toZonedInput } from "./i18n.js";
import { live } from "./live.js";
import { audienceTabs } from "./tabs.js";
import { messageView } from "./thread.js";
import { busy, choices, field, label, select, toast, toastError } from "./ui.js";

const PAGE = 100;
const TYPING_SHOWN_MS = 4000;

class CaseView {
  constructor(root, caseId, wanted) {
    this.root = root;
    this.id = caseId;
    this.wanted = wanted; // a message to show (from a notification or a link), or null
    this.messages = new Map();
    this.markers = new Map(); // member id → {name, last_read_message_id}
    this.tab = localStorage.getItem("hub.case.tab") || "customer";
    this.typing = new Map(); // member id → {name, until}
    this.viewers = [];
    this.hasOlder = false;
    this.lastReadSent = 0;
    this.cleanups = [];
  }

  async start() {
    this.root.append(h("p", { class: "muted loading" }, gettext("Loading…")));
    let detail;
    let page;
    try {
      [detail, page] = await Promise.all([api(`/api/cases/${this.id}`), api(`/api/cases/${this.id}/messages`, { query: { limit: PAGE } })]);
    } catch (error) {
      fill(this.root, h("div", { class: "card" }, h("h1", {}, gettext("This case cannot be shown")), h("p", {}, error.message), h("a", { href: "/", "data-link": true }, gettext("Back to the inbox"))));
      return;
    }
    this.case = detail.case;
    for (const marker of detail.read_markers) this.markers.set(marker.member_id, marker);
    for (const message of page.results) this.messages.set(message.id, message);
    this.hasOlder = page.has_more;
    this.tab = this.firstTab();
    this.render();
    this.showWanted();
    this.listen();
    this.markRead();
    document.documentElement.dataset.ready = "case";
  }

  /** The tab of the message asked for, else of the oldest unread message, else the last used. */
  firstTab() {
    const wanted = this.wanted && this.messages.get(this.wanted);
    if (wanted) return wanted.audience;
    const mark = this.markers.get(me.id)?.last_read_message_id || 0;
    const unread = [...this.messages.values()].filter((m) => m.id > mark && !(m.author.kind === "member" && m.author.id === me.id)).sort((a, b) => a.id - b.id);
    return unread.length ? unread[0].audience : this.tab;
  }

  showWanted() {
    const node = this.wanted && this.thread.querySelector(`[data-message-id="${this.wanted}"]`);
    if (!node) return;
    node.classList.add("wanted");
    node.scrollIntoView({ block: "center" });
  }

  newestId() {
    let newest = 0;
    for (const id of this.messages.keys()) newest = Math.max(newest, id);
    return newest || null;
  }

  // ---------------------------------------------------------------- live

  listen() {
    const mine = (frame) => frame.case_id === this.id;
    const on = (type, fn) => this.cleanups.push(live.on(type, (frame) => mine(frame) && fn(frame)));
    on("message.created", (frame) => {
      const known = this.messages.has(frame.message.id);
      this.messages.set(frame.message.id, frame.message);
      if (frame.case) this.setCase(frame.case);
      this.typing.delete(frame.message.author.id);
      if (!known) {
        this.renderThread({ stick: true });
        this.renderTyping();
        this.markRead();
        this.refreshOpenLogs();
      }
    });
    on("message.updated", (frame) => {
      this.messages.set(frame.message.id, frame.message);
      this.renderThread();
    });
    on("delivery.updated", (frame) => {
      const message = this.messages.get(frame.message_id);
      if (message && frame.delivery) {
        const others = (message.deliveries || []).filter((delivery) => delivery.id !== frame.delivery.id);
        if (others.length !== (message.deliveries || []).length || message.audience === "customer") {
          message.deliveries = [...others, frame.delivery].sort((a, b) => a.id - b.id);
          this.renderThread();
        }
      }
      this.refreshOpenLogs();
    });
    on("case.updated", (frame) => {
      this.setCase(frame.case);
      this.renderDetails();
      this.refreshOpenLogs();
    });
    on("read.updated", (frame) => {
      const marker = this.markers.get(frame.member_id) || { member_id: frame.member_id, name: boot.colleagues.members.find((m) => m.id === frame.member_id)?.name || "" };
      marker.last_read_message_id = frame.last_read_message_id;
      this.markers.set(frame.member_id, marker);
      this.renderThread();
    });
    on("typing", (frame) => {
      this.typing.set(frame.member.id, { name: frame.member.name, until: Date.now() + TYPING_SHOWN_MS });
      this.renderTyping();
      setTimeout(() => this.renderTyping(), TYPING_SHOWN_MS + 50);
    });
    on("viewing", (frame) => {
      this.viewers = frame.members;
      this.renderViewers();
    });
    on("booking.updated", () => this.refreshOpenLogs());
    this.cleanups.push(live.openCase(this.id, () => this.newestId()));
    const visible = () => document.visibilityState === "visible" && this.markRead();
    document.addEventListener("visibilitychange", visible);
    this.cleanups.push(() => document.removeEventListener("visibilitychange", visible));
  }

  setCase(caseData) {
    this.case = { ...this.case, ...caseData };
    this.composer?.update(this.case);
    this.renderHead();
  }

  /** Tell the hub (and so the colleagues' "seen by" and my unread badges) what I have seen. */
  async markRead() {
    const newest = this.newestId();
    if (!newest || newest <= this.lastReadSent || document.visibilityState !== "visible") return;
    const mineMarker = this.markers.get(me.id);
    if (mineMarker && mineMarker.last_read_message_id >= newest) return;
    this.lastReadSent = newest;
    try {
      await api(`/api/cases/${this.id}/read`, { method: "POST", body: { message_id: newest } });
    } catch (error) {
      this.lastReadSent = 0;
      toastError(error);
    }
  }

  // ---------------------------------------------------------------- render

  render() {
    clear(this.root);
    this.head = h("header", { class: "case-head" });
    this.viewersLine = h("p", { class: "viewers", role: "status", "aria-live": "polite", "data-testid": "viewers" });
    this.tabs = h("div", { class: "thread-tabs", role: "tablist", "aria-label": gettext("Conversation") });
    this.thread = h("div", { class: "thread", id: "thread", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0", "data-testid": "thread" });
    this.typingLine = h("p", { class: "typing", "aria-live": "polite", "data-testid": "typing" });
    this.composer = new Composer(this.case, { onPosted: (message) => this.posted(message) });
    this.details = h("section", { class: "side-section", "aria-labelledby": "details-title" });
    const bookingBox = h("section", { class: "side-section booking-box", "aria-label": gettext("Booking") });
    this.files = this.lazySection("files", gettext("Files"), () => this.loadFiles());
    this.sentLog = this.lazySection("sent", gettext("Sent log"), () => this.loadSentLog());
    this.eventLog = this.lazySection("events", gettext("Event log"), () => this.loadEvents());
    this.root.append(
      h(
        "div",
        { class: "case-view", "data-testid": "case", dataset: { caseId: this.id } },
        this.head,
        h(
          "div",
          { class: "case-columns" },
          h("section", { class: "thread-col", "aria-label": gettext("Conversation") }, this.viewersLine, this.tabs, this.thread, this.typingLine, this.composer.element),
          h("aside", { class: "case-side", "aria-label": gettext("About the case") }, this.details, bookingBox, this.files.element, this.sentLog.element, this.eventLog.element),
        ),
      ),
    );
    this.renderHead();
    this.renderTabs();
    this.renderThread({ stick: true });
    this.renderDetails();
    this.composer.setAudience(this.tab);
    try {
      this.cleanups.push(mountBookingPanel(bookingBox, this.id) || (() => {}));
    } catch (error) {
      console.error(error);
    }
  }

  renderHead() {
    if (!this.head) return;
    const c = this.case;
    document.title = `${c.reference} ${c.title} · ${boot.organization.name}`;
    fill(this.head, 
      h("a", { href: "/", "data-link": true, class: "back" }, "← ", gettext("Inbox")),
      h("h1", {}, h("span", { class: "ref" }, c.reference), " ", c.title),
      h(
        "p",
        { class: "case-sub" },
        c.customer ? h("span", {}, c.customer.name) : h("span", { class: "muted" }, gettext("No customer")),
        c.contact && c.contact.name !== c.customer?.name ? h("span", {}, c.contact.name) : null,
        c.contact?.phone ? h("a", { href: `tel:${c.contact.phone}` }, c.contact.phone) : null,
        c.contact?.email ? h("a", { href: `mailto:${c.contact.email}` }, c.contact.email) : null,
        h("span", { class: ["badge", `status-${c.status}`] }, label("status", c.status)),
        this.bellButton(),
      ),
    );
  }

  bellButton() {
    const on = this.case.customer_channel;
    return h(
      "button",
      {
        type: "button",
        class: ["channel-bell", "with-text", on ? "on" : "off"],
        "aria-pressed": String(on),
        "data-testid": "customer-bell",
        on: { click: (event) => busy(event.currentTarget, () => this.patch({ customer_channel: !on })) },
      },
      h("span", { "aria-hidden": "true" }, on ? "🔔 " : "🔕 "),
      on ? gettext("Customer messages on") : gettext("Customer messages off"),
    );
  }

  async patch(body) {
    const answer = await api(`/api/cases/${this.id}`, { method: "PATCH", body });
    this.setCase(answer.case);
    this.renderDetails();
  }

  renderTabs() {
    const unread = (audience) => {
      const mark = this.markers.get(me.id)?.last_read_message_id || 0;
      return [...this.messages.values()].filter((m) => m.audience === audience && m.id > mark && !(m.author.kind === "member" && m.author.id === me.id)).length;
    };
    const names = { customer: gettext("Customer"), internal: gettext("Internal") };
    fill(
      this.tabs,
      audienceTabs(["customer", "internal"], this.tab, (key) => this.switchTab(key), (key) => [
        names[key],
        this.tab !== key && unread(key) ? h("span", { class: "dot", "aria-label": gettext("new") }) : null,
      ]),
    );
    this.thread.setAttribute("aria-labelledby", `tab-${this.tab}`);
  }

  switchTab(key) {
    this.tab = key;
    localStorage.setItem("hub.case.tab", key);
    this.renderTabs();
    this.renderThread({ stick: true });
    this.composer.setAudience(key);
  }

  seenByOf(shown) {
    const seen = new Map();
    for (const [memberId, marker] of this.markers) {
      if (memberId === me.id) continue;
      // The newest message they read that is not their own: "seen by me" on my message says nothing.
      const upTo = shown.filter((m) => m.id <= marker.last_read_message_id && !(m.author.kind === "member" && m.author.id === memberId)).at(-1);
      if (!upTo) continue;
      if (!seen.has(upTo.id)) seen.set(upTo.id, []);
      seen.get(upTo.id).push(marker.name || boot.colleagues.members.find((m) => m.id === memberId)?.name || "?");
    }
    return seen;
  }

  renderThread({ stick = false } = {}) {
    if (!this.thread) return;
    const nearBottom = this.thread.scrollHeight - this.thread.scrollTop - this.thread.clientHeight < 80;
    const shown = [...this.messages.values()].filter((m) => m.audience === this.tab).sort((a, b) => a.id - b.id);
    const seen = this.seenByOf(shown);
    clear(this.thread);
    if (this.hasOlder) this.thread.append(h("button", { type: "button", class: "btn btn-small older", on: { click: (event) => busy(event.currentTarget, () => this.loadOlder()) } }, gettext("Show older messages")));
    if (!shown.length) this.thread.append(h("p", { class: "empty" }, this.tab === "internal" ? gettext("No internal notes yet. Only colleagues see them.") : gettext("No messages with the customer yet.")));
    for (const message of shown) this.thread.append(messageView(message, { seenBy: seen.get(message.id) || [] }));
    if (stick || nearBottom) this.thread.scrollTop = this.thread.scrollHeight;
    this.renderTabs();
  }

  async loadOlder() {
    const oldest = Math.min(...this.messages.keys());
    const page = await api(`/api/cases/${this.id}/messages`, { query: { before: oldest, limit: PAGE } });
    for (const message of page.results) this.messages.set(message.id, message);
    this.hasOlder = page.has_more;
    this.renderThread();
  }

  renderTyping() {
    const now = Date.now();
    const names = [...this.typing.values()].filter((t) => t.until > now).map((t) => t.name);
    this.typingLine.textContent = names.length ? fmt(ngettext("%(names)s is typing…", "%(names)s are typing…", names.length), { names: names.join(", ") }) : "";
  }

  renderViewers() {
    const names = this.viewers.map((member) => member.name);
    this.viewersLine.textContent = names.length ? fmt(gettext("Also viewing: %(names)s"), { names: names.join(", ") }) : "";
    this.viewersLine.classList.toggle("active", names.length > 0);
  }

  posted(message) {
    this.messages.set(message.id, message);
    this.renderThread({ stick: true });
    this.refreshOpenLogs();
  }

  // ---------------------------------------------------------------- side

  renderDetails() {
    if (!this.details) return;
    const c = this.case;
    const status = select(choices("status"), c.status, { on: { change: (event) => this.patchFrom(event, { status: event.target.value }) } });
    const priority = select(choices("priority"), c.priority, { on: { change: (event) => this.patchFrom(event, { priority: event.target.value }) } });
    const deadline = h("input", { type: "datetime-local", value: toZonedInput(c.deadline), on: { change: (event) => this.patchFrom(event, { deadline: fromZonedInput(event.target.value) }) } });
    const current = c.assignee ? `${c.assignee.kind}:${c.assignee.id}` : "";
    const assignee = select(
      [
        ["", gettext("Nobody")],
        ...boot.colleagues.members.map((m) => [`member:${m.id}`, m.name]),
        ...boot.colleagues.teams.map((t) => [`team:${t.id}`, fmt(gettext("Team %(name)s"), { name: t.name })]),
      ],
      current,
      { on: { change: (event) => this.assign(event) } },
    );
    const takeOver = c.assignee?.kind === "member" && c.assignee.id === me.id ? null : h("button", { type: "button", class: "btn btn-small", on: { click: (event) => busy(event.currentTarget, () => this.takeOver()) } }, gettext("Take over"));
    const portal = h("input", { type: "checkbox", checked: c.portal_visible, on: { change: (event) => this.patchFrom(event, { portal_visible: event.target.checked }) } });
    fill(this.details, 
      h("h2", { id: "details-title" }, gettext("Case")),
      field(gettext("Assigned to"), assignee),
      takeOver,
      field(gettext("Status"), status),
      field(gettext("Priority"), priority),
      field(gettext("Deadline"), deadline),
      h("label", { class: "inline" }, portal, ` ${gettext("Visible in the customer portal")}`),
      this.portalTools(),
      c.unsorted ? h("button", { type: "button", class: "btn btn-small", on: { click: (event) => busy(event.currentTarget, async () => this.setCase((await api(`/api/cases/${this.id}/keep`, { method: "POST", body: {} })).case)) } }, gettext("Keep as a case")) : null,
    );
  }

  /** For a case the customer sees in the portal: a link to hand them, and the contact's
   *  portal access (locked takes effect at once, also for a page they have open). */
  portalTools() {
    const c = this.case;
    if (!c.portal_visible || !c.contact) return null;
    const linkLine = h("p", { class: "portal-link", role: "status" });
    const copy = h("button", {
      type: "button",
      class: "btn btn-small",
      on: {
        click: (event) =>
          busy(event.currentTarget, async () => {
            const answer = await api(`/api/cases/${this.id}/portal-link`, { method: "POST", body: {} });
            fill(linkLine, h("input", { type: "url", readonly: true, value: answer.url, "aria-label": gettext("Portal link"), on: { focus: (e) => e.target.select() } }));
            try {
              await navigator.clipboard.writeText(answer.url);
              toast(gettext("The portal link is copied."));
            } catch {
              linkLine.querySelector("input").select();
            }
          }),
      },
    }, gettext("Copy portal link"));
    const locked = h("input", {
      type: "checkbox",
      checked: Boolean(c.contact.portal_locked),
      on: {
        change: async (event) => {
          const control = event.target;
          control.disabled = true;
          try {
            const answer = await api(`/api/contacts/${c.contact.id}/portal`, { method: "POST", body: { locked: control.checked } });
            this.case = { ...this.case, contact: { ...this.case.contact, portal_locked: answer.portal_locked } };
            toast(answer.portal_locked ? fmt(gettext("%(name)s can no longer open the portal."), { name: c.contact.name }) : fmt(gettext("%(name)s can open the portal again."), { name: c.contact.name }));
          } catch (error) {
            control.checked = !control.checked;
            toastError(error);
          } finally {
            control.disabled = false;
          }
        },
      },
    });
    return h(
      "div",
      { class: "portal-tools" },
      copy,
      linkLine,
      h("label", { class: "inline" }, locked, ` ${fmt(gettext("Lock portal access for %(name)s"), { name: c.contact.name })}`),
    );
  }

  async patchFrom(event, body) {
    const control = event.target;
    control.disabled = true;
    try {
      await this.patch(body);
    } catch (error) {
      toastError(error);
      this.renderDetails();
    } finally {
      control.disabled = false;
    }
  }

  async assign(event) {
    const [kind, id] = event.target.value.split(":");
    const body = kind === "member" ? { member: Number(id) } : kind === "team" ? { team: Number(id) } : {};
    try {
      const answer = await api(`/api/cases/${this.id}/assign`, { method: "POST", body });
      this.setCase(answer.case);
      this.renderDetails();
    } catch (error) {
      toastError(error);
      this.renderDetails();
    }
  }

  async takeOver() {
    const answer = await api(`/api/cases/${this.id}/take-over`, { method: "POST", body: {} });
    this.setCase(answer.case);
    this.renderDetails();
  }

  /** A collapsible side section that loads when opened and reloads while open. */
  lazySection(key, title, load) {
    const body = h("div", { class: "side-body" });
    const element = h("details", { class: "side-section", dataset: { section: key } }, h("summary", {}, h("h2", {}, title)), body);
    const section = {
      element,
      body,
      refresh: async () => {
        if (!element.open) return;
        try {
          fill(body, await load());
        } catch (error) {
          fill(body, h("p", { class: "error" }, error.message));
        }
      },
    };
    element.addEventListener("toggle", () => section.refresh());
    return section;
  }

  refreshOpenLogs() {
    for (const section of [this.files, this.sentLog, this.eventLog]) section?.refresh();
  }

  async loadFiles() {
    const files = (await api(`/api/cases/${this.id}/attachments`)).results;
    if (!files.length) return h("p", { class: "empty" }, gettext("No files on this case."));
    return h("ul", { class: "file-list" }, files.map((file) => h("li", {}, h("a", { href: file.url, target: "_blank", rel: "noopener" }, file.name), h("span", { class: "muted" }, ` ${formatSize(file.size)}`))));
  }

  async loadSentLog() {
    const rows = (await api(`/api/cases/${this.id}/deliveries`)).results;
    if (!rows.length) return h("p", { class: "empty" }, gettext("Nothing sent yet."));
    return h(
      "ul",
      { class: "sent-log", "data-testid": "sent-log" },
      rows.map((row) =>
        h(
          "li",
          { class: [row.stale && "stale", row.state === "failed" && "failed"], dataset: { deliveryId: row.id } },
          h("span", { class: "when" }, formatDateTime(row.sent_at || row.created)),
          h("span", {}, `${label("delivery_channel", row.channel)} → ${row.recipient_name || row.recipient}`),
          h("span", { class: ["badge", `delivery-${row.state}`] }, label("delivery_state", row.state)),
          row.stale ? h("strong", { class: "stale-mark" }, gettext("Outdated: the booking changed after this was sent")) : null,
          row.error ? h("span", { class: "error" }, row.error) : null,
          row.sent_by ? h("span", { class: "muted" }, fmt(gettext("by %(name)s"), { name: row.sent_by })) : h("span", { class: "muted" }, gettext("automatic")),
        ),
      ),
    );
  }

  async loadEvents() {
    const events = (await api(`/api/cases/${this.id}/events`)).results;
    return h("ol", { class: "event-log", reversed: true }, events.reverse().map((event) => h("li", {}, h("span", { class: "when" }, formatDateTime(event.created)), h("span", {}, `${event.actor.name}: ${event.label}`))));
  }

  stop() {
    for (const cleanup of this.cleanups) cleanup();
    delete document.documentElement.dataset.ready;
  }
}

export function mount(root, params, query) {
  const view = new CaseView(root, Number(params.id), Number(query.get("message")) || null);
  view.start();
  return () => view.stop();
}
