// The inbox: every case the member sees, newest activity first, live. Filters live in the
// address (?filter=mine&status=open&booking=confirmed&q=…&view=table) so a view can be shared
// and survives a reload. Keyboard: ↑/↓ or j/k move, Enter opens, / searches.
import { api } from "./api.js";
import { boot, me } from "./boot.js";
import { $, $$, clear, debounce, h } from "./dom.js";
import { fmt, formatDate, formatDateTime, formatWhen } from "./i18n.js";
import { live } from "./live.js";
import { setQuery } from "./router.js";
import { choices, label, select, toastError } from "./ui.js";

const FILTERS = () => [
  ["", gettext("All")],
  ["mine", gettext("Mine")],
  ["unassigned", gettext("Unassigned")],
  ["team", gettext("My teams")],
  ["mentions", gettext("Mentions of me")],
  ["unread", gettext("Unread")],
];

const FILTER_QUERY = {
  mine: { assigned: "me" },
  unassigned: { assigned: "unassigned" },
  team: { team: "mine" },
  mentions: { mentions: 1 },
  unread: { unread: 1 },
};

const COLUMNS = () => [
  ["reference", gettext("Case"), (row) => row.number],
  ["title", gettext("Title"), (row) => row.title.toLowerCase()],
  ["customer", gettext("Customer"), (row) => (row.customer?.name || "").toLowerCase()],
  ["status", gettext("Status"), (row) => row.status],
  ["priority", gettext("Priority"), (row) => ["low", "normal", "high", "urgent"].indexOf(row.priority)],
  ["assignee", gettext("Assigned to"), (row) => (row.assignee?.name || "").toLowerCase()],
  ["booking", gettext("Booking"), (row) => row.booking_start || ""],
  ["deadline", gettext("Deadline"), (row) => row.deadline || "9999"],
  ["unread", gettext("Unread"), (row) => row.unread_count],
  ["activity", gettext("Last activity"), (row) => row.last_activity],
];

class Inbox {
  constructor(root, query) {
    this.root = root;
    this.rows = new Map(); // case id → row
    this.order = []; // case ids as the server ordered them
    this.nextCursor = null;
    this.state = {
      filter: query.get("filter") || "",
      status: query.get("status") || "",
      booking: query.get("booking") || "",
      q: query.get("q") || "",
      view: query.get("view") || localStorage.getItem("hub.inbox.view") || "list",
      sort: query.get("sort") || "",
    };
    this.loading = null;
    this.refetchSoon = debounce(() => this.load({ keepSize: true }), 300);
  }

  get filtered() {
    const { filter, status, booking, q } = this.state;
    return Boolean(filter || status || booking || q);
  }

  query(cursor) {
    const { filter, status, booking, q } = this.state;
    return { ...(FILTER_QUERY[filter] || {}), status, booking, q, cursor, limit: 50 };
  }

  async load({ keepSize = false, cursor = null } = {}) {
    const controller = new AbortController();
    this.loading?.abort();
    this.loading = controller;
    try {
      const limit = keepSize ? Math.min(200, Math.max(50, this.order.length)) : 50;
      const page = await api("/api/cases", { query: { ...this.query(cursor), limit }, signal: controller.signal });
      this.take(page, { append: Boolean(cursor) });
    } catch (error) {
      if (error.name !== "AbortError") toastError(error);
    } finally {
      if (this.loading === controller) this.loading = null;
    }
  }

  take(page, { append = false } = {}) {
    if (!append) {
      this.rows.clear();
      this.order = [];
    }
    for (const row of page.cases || page.results) {
      if (!this.rows.has(row.id)) this.order.push(row.id);
      this.rows.set(row.id, row);
      live.sawActivity(row.last_activity);
    }
    this.nextCursor = page.next_cursor;
    this.renderRows();
  }

  // ---------------------------------------------------------------- live

  listen() {
    const offs = [
      live.on("message.created", (frame) => {
        if (frame.replay) return;
        const row = this.rows.get(frame.case_id);
        live.sawActivity(frame.case.last_activity);
        if (!row) return this.filtered ? this.refetchSoon() : this.insert(frame.case, frame.message);
        Object.assign(row, frame.case);
        row.preview = preview(frame.message);
        if (frame.message.author.kind !== "member" || frame.message.author.id !== me.id) row.unread_count += 1;
        this.toTop(row.id);
      }),
      live.on("case.created", (frame) => {
        live.sawActivity(frame.case.last_activity);
        if (this.filtered) this.refetchSoon();
        else if (!this.rows.has(frame.case_id)) this.insert(frame.case, null);
      }),
      live.on("case.updated", (frame) => {
        const row = this.rows.get(frame.case_id);
        if (row) Object.assign(row, frame.case);
        if (this.filtered) this.refetchSoon();
        else if (row) this.renderRow(row);
      }),
      live.on("read.updated", (frame) => {
        const row = this.rows.get(frame.case_id);
        if (row && frame.member_id === me.id) {
          row.unread_count = frame.unread_count;
          this.renderRow(row);
        }
      }),
      live.on("booking.updated", (frame) => {
        const row = this.rows.get(frame.case_id);
        if (!row) return;
        row.booking_state = frame.booking.state;
        row.booking_start = frame.booking.start;
        this.renderRow(row);
      }),
      live.on("inbox.sync", (frame) => {
        if (!frame.complete) return this.load({ keepSize: true });
        for (const synced of frame.cases) {
          live.sawActivity(synced.last_activity);
          if (this.filtered && !this.rows.has(synced.id)) continue;
          this.rows.set(synced.id, synced);
          this.toTop(synced.id, false);
        }
        this.renderRows();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  insert(casePayload, message) {
    const mine = message && message.author.kind === "member" && message.author.id === me.id;
    const row = { ...casePayload, unread_count: message && !mine ? 1 : 0, preview: message ? preview(message) : null, booking_state: null, booking_start: null };
    this.rows.set(row.id, row);
    this.toTop(row.id);
  }

  toTop(id, render = true) {
    this.order = [id, ...this.order.filter((other) => other !== id)];
    if (render) this.renderRows();
  }

  // ---------------------------------------------------------------- render

  render() {
    clear(this.root);
    const search = h("input", {
      type: "search",
      id: "inbox-search",
      placeholder: gettext("Search cases, customers, messages"),
      "aria-label": gettext("Search"),
      value: this.state.q,
      on: { input: debounce((event) => this.change({ q: event.target.value.trim() }), 250) },
    });
    const statusSelect = select([["", gettext("Any status")], ...choices("status")], this.state.status, {
      "aria-label": gettext("Status"),
      on: { change: (event) => this.change({ status: event.target.value }) },
    });
    const bookingSelect = select([["", gettext("Any booking")], ["none", gettext("No booking")], ...choices("booking_state")], this.state.booking, {
      "aria-label": gettext("Booking"),
      on: { change: (event) => this.change({ booking: event.target.value }) },
    });
    const viewToggle = h(
      "div",
      { class: "segmented", role: "group", "aria-label": gettext("View") },
      [["list", gettext("List")], ["table", gettext("Table")]].map(([key, text]) =>
        h("button", { type: "button", "aria-pressed": String(this.state.view === key), on: { click: () => this.change({ view: key }) } }, text),
      ),
    );
    this.body = h("div", { class: "inbox-body" });
    this.more = h("button", { type: "button", class: "btn load-more", hidden: true, on: { click: () => this.load({ cursor: this.nextCursor }) } }, gettext("Show more"));
    this.root.append(
      h(
        "section",
        { class: "inbox", "data-testid": "inbox", "aria-labelledby": "inbox-title" },
        h("h1", { id: "inbox-title", class: "visually-hidden" }, gettext("Inbox")),
        h(
          "div",
          { class: "inbox-tools" },
          h("nav", { class: "filters", "aria-label": gettext("Filters") }, FILTERS().map(([key, text]) =>
            h("button", { type: "button", class: "chip", "aria-pressed": String(this.state.filter === key), dataset: { filter: key }, on: { click: () => this.change({ filter: key }) } }, text),
          )),
          h("div", { class: "inbox-search" }, search, statusSelect, bookingSelect, viewToggle),
        ),
        this.body,
        this.more,
      ),
    );
    this.root.addEventListener("keydown", (event) => this.keydown(event));
  }

  change(patch) {
    Object.assign(this.state, patch);
    if (patch.view) localStorage.setItem("hub.inbox.view", patch.view);
    const { filter, status, booking, q, view, sort } = this.state;
    setQuery({ filter, status, booking, q, view: view === "list" ? "" : view, sort });
    for (const button of $$(".filters [data-filter]", this.root)) button.setAttribute("aria-pressed", String(button.dataset.filter === filter));
    for (const button of $$(".segmented button", this.root)) button.setAttribute("aria-pressed", String(button.textContent === (view === "list" ? gettext("List") : gettext("Table"))));
    if ("view" in patch || "sort" in patch) this.renderRows();
    else this.load();
  }

  sortedIds() {
    if (!this.state.sort) return this.order;
    const descending = this.state.sort.startsWith("-");
    const key = this.state.sort.replace(/^-/, "");
    const column = COLUMNS().find(([name]) => name === key);
    if (!column) return this.order;
    const value = column[2];
    return [...this.order].sort((a, b) => {
      const [x, y] = [value(this.rows.get(a)), value(this.rows.get(b))];
      return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1);
    });
  }

  renderRows() {
    const focused = document.activeElement?.closest?.("[data-case-id]")?.dataset.caseId;
    clear(this.body);
    if (!this.order.length) {
      this.body.append(h("p", { class: "empty" }, this.filtered ? gettext("No case matches.") : gettext("No cases yet.")));
    } else if (this.state.view === "table") {
      this.body.append(this.table());
    } else {
      this.body.append(h("ul", { class: "case-list", role: "list" }, this.order.map((id) => this.listRow(this.rows.get(id)))));
    }
    this.more.hidden = !this.nextCursor;
    if (focused) $(`[data-case-id="${focused}"] a`, this.body)?.focus();
    document.documentElement.dataset.ready = "inbox";
  }

  renderRow(row) {
    const old = $(`[data-case-id="${row.id}"]`, this.body);
    if (!old) return;
    old.replaceWith(this.state.view === "table" ? this.tableRow(row) : this.listRow(row));
  }

  listRow(row) {
    const unread = row.unread_count > 0;
    return h(
      "li",
      { class: ["case-row", unread && "unread", row.status === "resolved" && "resolved"], dataset: { caseId: row.id } },
      h(
        "a",
        { href: `/cases/${row.id}/`, "data-link": true, class: "case-link" },
        h(
          "span",
          { class: "case-line" },
          h("span", { class: "ref" }, row.reference),
          h("span", { class: "title" }, row.title),
          h("time", { datetime: row.last_activity, title: formatDateTime(row.last_activity) }, formatWhen(row.last_activity)),
        ),
        h(
          "span",
          { class: "case-meta" },
          row.customer ? h("span", {}, row.customer.name) : null,
          row.assignee ? h("span", { class: "assignee" }, `→ ${row.assignee.name}`) : h("span", { class: "assignee muted" }, gettext("Unassigned")),
          row.priority === "high" || row.priority === "urgent" ? h("span", { class: ["badge", `priority-${row.priority}`] }, label("priority", row.priority)) : null,
          row.booking_state ? bookingBadge(row) : null,
          row.unsorted ? h("span", { class: "badge" }, gettext("Unsorted")) : null,
        ),
        row.preview ? previewLine(row.preview) : null,
      ),
      h(
        "span",
        { class: "row-side" },
        unread ? h("span", { class: "badge unread-badge", "aria-label": fmt(ngettext("%(count)s unread", "%(count)s unread", row.unread_count), { count: row.unread_count }) }, String(row.unread_count)) : null,
        this.bellToggle(row),
      ),
    );
  }

  bellToggle(row) {
    const on = row.customer_channel;
    return h(
      "button",
      {
        type: "button",
        class: ["channel-bell", on ? "on" : "off"],
        "aria-pressed": String(on),
        title: on ? gettext("Customer messages on: click to turn off") : gettext("Customer messages off: click to turn on"),
        "aria-label": fmt(gettext("Customer messages for %(case)s"), { case: row.reference }),
        on: {
          click: async (event) => {
            event.stopPropagation();
            try {
              const answer = await api(`/api/cases/${row.id}`, { method: "PATCH", body: { customer_channel: !on } });
              Object.assign(row, answer.case || answer);
              this.renderRow(row);
            } catch (error) {
              toastError(error);
            }
          },
        },
      },
      h("span", { "aria-hidden": "true" }, on ? "🔔" : "🔕"),
    );
  }

  table() {
    const sort = this.state.sort;
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "case-table" },
        h("thead", {}, h("tr", {}, COLUMNS().map(([key, text]) => {
          const direction = sort === key ? "ascending" : sort === `-${key}` ? "descending" : "none";
          const next = sort === key ? `-${key}` : sort === `-${key}` ? "" : key;
          return h("th", { scope: "col", "aria-sort": direction }, h("button", { type: "button", class: "sort", on: { click: () => this.change({ sort: next }) } }, text, direction === "ascending" ? " ▲" : direction === "descending" ? " ▼" : ""));
        }))),
        h("tbody", {}, this.sortedIds().map((id) => this.tableRow(this.rows.get(id)))),
      ),
    );
  }

  tableRow(row) {
    return h(
      "tr",
      { class: [row.unread_count > 0 && "unread"], dataset: { caseId: row.id } },
      h("td", {}, h("a", { href: `/cases/${row.id}/`, "data-link": true }, row.reference)),
      h("td", {}, row.title),
      h("td", {}, row.customer?.name || ""),
      h("td", {}, label("status", row.status)),
      h("td", {}, label("priority", row.priority)),
      h("td", {}, row.assignee?.name || ""),
      h("td", {}, row.booking_state ? bookingBadge(row) : ""),
      h("td", {}, row.deadline ? formatDate(row.deadline) : ""),
      h("td", {}, row.unread_count ? h("span", { class: "badge unread-badge" }, String(row.unread_count)) : ""),
      h("td", {}, h("time", { datetime: row.last_activity }, formatDateTime(row.last_activity))),
    );
  }

  keydown(event) {
    if (event.target.matches("input, select, textarea")) {
      if (event.key === "ArrowDown" && event.target.id === "inbox-search") {
        event.preventDefault();
        $("[data-case-id] a", this.body)?.focus();
      }
      return;
    }
    const links = $$("[data-case-id] a", this.body);
    const index = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "j") {
      event.preventDefault();
      links[Math.min(links.length - 1, index + 1)]?.focus();
    } else if (event.key === "ArrowUp" || event.key === "k") {
      event.preventDefault();
      if (index <= 0) $("#inbox-search").focus();
      else links[index - 1].focus();
    }
  }
}

function preview(message) {
  const text = message.text.replace(/\s+/g, " ").trim();
  return { id: message.id, audience: message.audience, author: message.author, text: text.length > 140 ? `${text.slice(0, 139)}…` : text, created: message.created };
}

function previewLine(item) {
  const internal = item.audience === "internal";
  return h(
    "span",
    { class: ["preview", internal && "internal"] },
    internal ? h("span", { class: "internal-mark" }, gettext("Internal")) : null,
    h("span", { class: "author" }, `${item.author.name}: `),
    item.text,
  );
}

function bookingBadge(row) {
  const when = row.booking_start ? ` · ${formatDate(row.booking_start)}` : "";
  return h("span", { class: ["badge", "booking-state", `state-${row.booking_state}`] }, label("booking_state", row.booking_state) + when);
}

function searchShortcut(event) {
  if (event.key === "/" && !event.target.matches("input, textarea, select, [contenteditable]")) {
    event.preventDefault();
    $("#inbox-search")?.focus();
  }
}

let firstPageUsed = false;

export function mount(root, _params, query) {
  const inbox = new Inbox(root, query);
  inbox.render();
  const off = inbox.listen();
  if (!firstPageUsed && boot.inbox && !inbox.filtered) {
    // The shell carried the first page: no round trip before the first paint.
    firstPageUsed = true;
    inbox.take(boot.inbox);
  } else {
    inbox.load();
  }
  document.addEventListener("keydown", searchShortcut);
  return () => {
    off();
    inbox.loading?.abort();
    document.removeEventListener("keydown", searchShortcut);
    delete document.documentElement.dataset.ready;
  };
}
