// The day board (/board/?date=YYYY-MM-DD&technician=ID): one column per technician with the
// day's visits in order. Dispatchers reorder (drag and drop, or the move buttons), lock a day,
// send what is locked and take the quick actions; technicians see their own day.
import { api, errorText } from "./api.js";
import { boot, isDispatcher, me } from "./boot.js";
import { append, clear, h } from "./dom.js";
import { dayKey, fmt, formatDateTime } from "./i18n.js";
import { live } from "./live.js";
import { setQuery } from "./router.js";
import { label, toast, toastError } from "./ui.js";
import { actionLabel, canDo, formatDay, holdForm, overdue, postAction, stateBadge, timeWindow } from "./booking.js";

const NONE = "none"; // the column of visits without a technician

function addDays(key, days) {
  const date = new Date(`${key}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const validDay = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text || "") && !Number.isNaN(Date.parse(`${text}T12:00:00Z`));
const keyOf = (technician) => (technician ? String(technician.id) : NONE);

export function mount(root, params, query) {
  let date = validDay(query.get("date")) ? query.get("date") : dayKey();
  let only = isDispatcher ? query.get("technician") || "" : ""; // a technician sees their own day
  let disposed = false;
  let firstRendered = false;
  let loadToken = 0;
  const columns = new Map(); // key → {technician, bookings}
  const columnNodes = new Map(); // key → <section>
  const outcomes = new Map(); // key → node with the last lock/send outcome of that column
  const busyColumns = new Map(); // key → count of things in flight (reorder, open form, drag)
  const pendingRefresh = new Set();
  const refreshTimers = new Map();

  // ---- the frame: heading, day navigation, technician picker, status --------------------
  const dateInput = h("input", { type: "date", id: "board-date", value: date, required: true });
  const longDate = h("p", { class: "board-longdate", "aria-live": "polite" });
  const status = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const problem = h("div", { class: "bk-problem", role: "alert", hidden: true });
  const columnsBox = h("div", { class: "board-columns" });
  const picker = h("select", { id: "board-technician" });

  const navButton = (text, labelText, fn) =>
    h("button", { type: "button", class: "btn btn-small", "aria-label": labelText, title: labelText, on: { click: fn } }, text);

  const view = h(
    "section",
    { class: "board", "data-testid": "board", "aria-labelledby": "board-title" },
    h(
      "header",
      { class: "board-head" },
      h("div", { class: "board-title" }, h("h1", { id: "board-title" }, gettext("Day board")), longDate),
      h(
        "div",
        { class: "board-tools" },
        h(
          "div",
          { class: "board-daynav", role: "group", "aria-label": gettext("Choose the day") },
          navButton("‹", gettext("Previous day"), () => goTo(addDays(date, -1))),
          h("label", { for: "board-date", class: "visually-hidden" }, gettext("Date")),
          dateInput,
          navButton("›", gettext("Next day"), () => goTo(addDays(date, 1))),
          h("button", { type: "button", class: "btn btn-small", on: { click: () => goTo(dayKey()) } }, gettext("Today")),
        ),
        isDispatcher ? h("div", { class: "board-picker" }, h("label", { for: "board-technician" }, gettext("Technician")), picker) : null,
      ),
    ),
    status,
    problem,
    columnsBox,
  );
  root.append(view);

  dateInput.addEventListener("change", () => {
    if (validDay(dateInput.value)) goTo(dateInput.value);
  });
  picker.addEventListener("change", () => {
    only = picker.value;
    setQuery({ technician: only });
    renderColumns();
  });

  function announce(text) {
    status.textContent = "";
    setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function showProblem(text) {
    clear(problem);
    problem.hidden = !text;
    if (text) problem.append(h("p", {}, text), h("button", { type: "button", class: "btn btn-small", on: { click: () => showProblem("") } }, gettext("Dismiss")));
  }

  function goTo(key) {
    if (!validDay(key)) return;
    date = key;
    dateInput.value = key;
    setQuery({ date: key, technician: only });
    outcomes.clear();
    load();
  }

  // ---- data -----------------------------------------------------------------------------
  async function load() {
    const token = ++loadToken;
    longDate.textContent = formatDay(date);
    view.setAttribute("aria-busy", "true");
    try {
      const data = await api("/api/bookings/day", { query: { date } });
      if (disposed || token !== loadToken) return;
      columns.clear();
      for (const column of data.columns) columns.set(keyOf(column.technician), column);
      showProblem("");
      renderPicker();
      renderColumns();
      announce(fmt(ngettext("%(count)s visit on %(day)s.", "%(count)s visits on %(day)s.", visitCount()), { count: visitCount(), day: formatDay(date) }));
      if (!firstRendered) {
        firstRendered = true;
        document.documentElement.dataset.ready = "board";
      }
    } catch (error) {
      if (disposed || token !== loadToken) return;
      clear(columnsBox).append(
        h("div", { class: "empty" }, h("p", {}, errorText(error)), h("button", { type: "button", class: "btn", on: { click: load } }, gettext("Try again"))),
      );
    } finally {
      if (token === loadToken) view.removeAttribute("aria-busy");
    }
  }

  const visitCount = () => [...columns.values()].reduce((sum, column) => sum + column.bookings.length, 0);

  /** One technician's column again from the hub, e.g. after a live change. */
  async function refreshColumn(key) {
    if (key === NONE || !columns.has(key)) return load();
    if (busyColumns.get(key)) {
      pendingRefresh.add(key);
      return undefined;
    }
    const token = loadToken;
    try {
      const data = await api("/api/bookings/day", { query: { date, technician: key } });
      if (disposed || token !== loadToken || busyColumns.get(key)) {
        if (busyColumns.get(key)) pendingRefresh.add(key);
        return undefined;
      }
      const column = columns.get(key);
      column.bookings = data.columns[0]?.bookings || [];
      renderColumn(key);
    } catch (error) {
      toastError(error);
    }
    return undefined;
  }

  function refreshSoon(key) {
    clearTimeout(refreshTimers.get(key));
    refreshTimers.set(key, setTimeout(() => refreshColumn(key), 300));
  }

  function hold(key) {
    busyColumns.set(key, (busyColumns.get(key) || 0) + 1);
  }

  function release(key) {
    const left = Math.max(0, (busyColumns.get(key) || 0) - 1);
    busyColumns.set(key, left);
    if (!left && pendingRefresh.delete(key)) refreshSoon(key);
  }

  // ---- rendering ------------------------------------------------------------------------
  function technicianColumns() {
    const all = new Map(columns);
    if (isDispatcher) {
      for (const member of boot.colleagues.members) {
        if (member.role === "technician" && !all.has(String(member.id))) all.set(String(member.id), { technician: { id: member.id, name: member.name }, bookings: [] });
      }
    } else if (!all.has(String(me.id))) {
      all.set(String(me.id), { technician: { id: me.id, name: me.name }, bookings: [] });
    }
    for (const [key, column] of all) if (!columns.has(key)) columns.set(key, column);
    return [...columns.entries()].sort(([a, x], [b, y]) => {
      if (a === NONE) return 1;
      if (b === NONE) return -1;
      return x.technician.name.localeCompare(y.technician.name);
    });
  }

  function renderPicker() {
    if (!isDispatcher) return;
    const entries = technicianColumns();
    if (only && !columns.has(only)) only = "";
    append(clear(picker), [
      h("option", { value: "", selected: !only }, gettext("All technicians")),
      entries.map(([key, column]) =>
        h(
          "option",
          { value: key, selected: key === only },
          column.technician ? `${column.technician.name} (${column.bookings.length})` : `${gettext("Without technician")} (${column.bookings.length})`,
        ),
      ),
    ]);
  }

  function renderColumns() {
    const entries = technicianColumns().filter(([key]) => !only || key === only);
    columnNodes.clear();
    clear(columnsBox);
    columnsBox.classList.toggle("board-single", entries.length === 1);
    if (!entries.length) {
      columnsBox.append(h("p", { class: "empty" }, gettext("No technicians to show.")));
      return;
    }
    for (const [key] of entries) {
      const node = columnView(key);
      columnNodes.set(key, node);
      columnsBox.append(node);
    }
  }

  /** focus: {bookingId, control} to land on after, when focus was on something re-rendered. */
  function renderColumn(key, focus = null) {
    const old = columnNodes.get(key);
    if (!old) return;
    const focused = focus || (document.activeElement && old.contains(document.activeElement) ? focusKey(document.activeElement) : null);
    const node = columnView(key);
    old.replaceWith(node);
    columnNodes.set(key, node);
    if (focused) restoreFocus(node, focused);
    renderPicker();
  }

  /** Where focus was, as something that survives a re-render: the visit and the control. */
  function focusKey(element) {
    const visit = element.closest("[data-booking-id]");
    return { bookingId: visit?.dataset.bookingId, control: element.dataset.control || null };
  }

  function restoreFocus(node, { bookingId, control }) {
    const visit = bookingId ? node.querySelector(`[data-booking-id="${bookingId}"]`) : null;
    const target = (visit && control && visit.querySelector(`[data-control="${control}"]`)) || (visit && visit.querySelector("a")) || node.querySelector("h2");
    target?.focus();
  }

  function columnView(key) {
    const column = columns.get(key);
    const technician = column.technician;
    const bookings = column.bookings;
    const headingId = `board-col-${key}`;
    const canArrange = isDispatcher && technician !== null;
    const planned = bookings.filter((b) => b.state === "planned").length;
    const locked = bookings.filter((b) => b.state === "locked");
    const list = h(
      "ol",
      { class: "board-visits", "aria-labelledby": headingId },
      bookings.map((booking) => visitView(key, booking, canArrange)),
    );
    if (canArrange) {
      wireDragAndDrop(key, list);
      updateMoveButtons(list);
    }
    const tools = [];
    if (canArrange && bookings.length) {
      const lockButton = h(
        "button",
        { type: "button", class: "btn btn-small", disabled: planned === 0, "data-control": "lock-day" },
        planned ? fmt(ngettext("Lock day (%(count)s planned)", "Lock day (%(count)s planned)", planned), { count: planned }) : gettext("Lock day"),
      );
      lockButton.addEventListener("click", () => lockDay(key, lockButton));
      const sendButton = h(
        "button",
        { type: "button", class: ["btn", "btn-small", locked.length ? "btn-primary" : null], disabled: locked.length === 0, "data-control": "send-day" },
        fmt(gettext("Send locked (%(count)s)"), { count: locked.length }),
      );
      sendButton.addEventListener("click", () => sendLocked(key, sendButton));
      tools.push(h("div", { class: "board-column-tools" }, lockButton, sendButton));
    }
    return h(
      "section",
      { class: ["board-column", technician ? null : "board-column-none"], "aria-labelledby": headingId, dataset: { technicianId: technician ? technician.id : "" } },
      h(
        "header",
        { class: "board-column-head" },
        h("h2", { id: headingId, tabindex: "-1" }, technician ? technician.name : gettext("Without technician")),
        h("span", { class: "muted" }, fmt(ngettext("%(count)s visit", "%(count)s visits", bookings.length), { count: bookings.length })),
      ),
      tools,
      outcomes.get(key) || null,
      bookings.length ? list : h("p", { class: "empty board-empty" }, gettext("No visits this day.")),
    );
  }

  function visitView(key, booking, canArrange) {
    const movable = canArrange && booking.state !== "done";
    const reference = booking.case.reference;
    const item = h(
      "li",
      {
        class: ["bk-visit", `bk-visit-${booking.state}`, overdue(booking) ? "bk-visit-overdue" : null],
        dataset: { bookingId: booking.id, caseId: booking.case_id, ...(movable ? { movable: "true" } : {}) },
        draggable: movable ? "true" : null,
      },
    );
    const details = [];
    if (booking.state === "awaiting_response" && booking.response_deadline) {
      details.push(
        h(
          "p",
          { class: ["bk-visit-note", overdue(booking) ? "bk-overdue" : null] },
          fmt(gettext("Answer by %(time)s"), { time: formatDateTime(booking.response_deadline) }),
        ),
      );
    }
    if (booking.state === "on_hold" && booking.hold_until) {
      details.push(h("p", { class: "bk-visit-note" }, fmt(gettext("Customer back around %(day)s"), { day: formatDay(booking.hold_until) })));
    }
    const buttons = [];
    if (movable) {
      buttons.push(
        h(
          "span",
          { class: "bk-move", role: "group", "aria-label": fmt(gettext("Order of %(reference)s"), { reference }) },
          moveButton(key, item, -1, reference),
          moveButton(key, item, 1, reference),
        ),
      );
    }
    const formSlot = h("div", { class: "bk-visit-form" });
    for (const action of ["follow_up", "hold", "done"]) {
      if (!canDo(booking, action)) continue;
      const text = action === "hold" ? gettext("Hold") : action === "follow_up" ? gettext("Follow up") : actionLabel(action);
      const button = h("button", { type: "button", class: "btn btn-small", "data-control": action, title: actionLabel(action) }, text);
      button.setAttribute("aria-label", fmt(gettext("%(action)s: %(reference)s"), { action: text, reference }));
      if (action === "hold") {
        button.setAttribute("aria-expanded", "false");
        button.addEventListener("click", () => toggleHold(key, booking, button, formSlot));
      } else {
        button.addEventListener("click", () => quickAction(key, booking, action, button));
      }
      buttons.push(button);
    }
    append(item, [
      movable ? h("span", { class: "bk-grip", "aria-hidden": "true", title: gettext("Drag to reorder") }, "⠿") : null,
      h(
        "div",
        { class: "bk-visit-body" },
        h(
          "div",
          { class: "bk-visit-top" },
          h("span", { class: "bk-visit-time" }, timeWindow(booking) || "—"),
          stateBadge(booking.state),
          booking.code ? h("code", { class: "bk-code", title: gettext("Booking code") }, booking.code) : null,
        ),
        h(
          "a",
          { href: `/cases/${booking.case_id}/`, "data-link": true, class: "bk-visit-case", draggable: "false", "data-control": "link" },
          h("strong", {}, reference),
          " ",
          booking.case.title,
        ),
        booking.case.customer || booking.case.address
          ? h("p", { class: "bk-visit-customer" }, booking.case.customer, booking.case.customer && booking.case.address ? " · " : "", booking.case.address)
          : null,
        details,
        buttons.length ? h("div", { class: "bk-visit-actions" }, buttons) : null,
        formSlot,
      ),
    ]);
    return item;
  }

  // ---- reordering -----------------------------------------------------------------------
  function movableItems(list) {
    return [...list.children].filter((item) => item.dataset.movable === "true");
  }

  function updateMoveButtons(list) {
    const items = movableItems(list);
    items.forEach((item, index) => {
      const up = item.querySelector('[data-control="up"]');
      const down = item.querySelector('[data-control="down"]');
      up?.setAttribute("aria-disabled", String(index === 0));
      down?.setAttribute("aria-disabled", String(index === items.length - 1));
    });
  }

  function moveButton(key, item, step, reference) {
    const text = step < 0 ? fmt(gettext("Move %(reference)s up"), { reference }) : fmt(gettext("Move %(reference)s down"), { reference });
    const button = h(
      "button",
      { type: "button", class: "btn btn-small bk-move-button", "aria-label": text, title: text, "data-control": step < 0 ? "up" : "down" },
      h("span", { "aria-hidden": "true" }, step < 0 ? "↑" : "↓"),
    );
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      const list = item.parentElement;
      const items = movableItems(list);
      const index = items.indexOf(item);
      const target = items[index + step];
      if (!target) return;
      if (step < 0) list.insertBefore(item, target);
      else list.insertBefore(item, target.nextSibling);
      button.focus();
      updateMoveButtons(list);
      saveOrder(key, list, item);
    });
    return button;
  }

  function wireDragAndDrop(key, list) {
    let dragged = null;
    let before = [];
    let dropped = false;
    list.addEventListener("dragstart", (event) => {
      const item = event.target.closest?.("li[draggable=true]");
      if (!item || item.parentElement !== list) return;
      dragged = item;
      dropped = false;
      before = [...list.children];
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.caseId);
      item.classList.add("bk-dragging");
      list.classList.add("bk-drag-active");
      hold(key);
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      const over = event.target.closest?.("li.bk-visit");
      if (!over || over === dragged || over.parentElement !== list || over.dataset.movable !== "true") return;
      const rect = over.getBoundingClientRect();
      const after = event.clientY > rect.top + rect.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("drop", (event) => {
      if (!dragged) return;
      event.preventDefault();
      dropped = true;
    });
    list.addEventListener("dragend", () => {
      if (!dragged) return;
      const item = dragged;
      dragged = null;
      item.classList.remove("bk-dragging");
      list.classList.remove("bk-drag-active");
      const moved = [...list.children].some((child, index) => child !== before[index]);
      if (!dropped) {
        list.replaceChildren(...before); // dropped outside: as it was
      } else if (moved) {
        updateMoveButtons(list);
        saveOrder(key, list, item);
      }
      release(key);
    });
  }

  const queues = new Map(); // key → the promise of the last reorder sent: one at a time, in order

  function saveOrder(key, list, moved) {
    const column = columns.get(key);
    const ids = movableItems(list).map((item) => Number(item.dataset.caseId));
    // As the numbers on screen count: every visit of the day, done ones too.
    const position = [...list.children].indexOf(moved) + 1;
    const count = list.children.length;
    const reference = moved.querySelector(".bk-visit-case strong")?.textContent || "";
    hold(key);
    const previous = queues.get(key) || Promise.resolve();
    const next = previous.then(async () => {
      try {
        await api("/api/bookings/day/reorder", { method: "POST", body: { technician: column.technician.id, date, cases: ids } });
        if (disposed) return;
        // The new order as the column's data, visits done keep their place.
        const byCase = new Map(column.bookings.map((b) => [b.case_id, b]));
        column.bookings = [...list.children].map((child) => byCase.get(Number(child.dataset.caseId))).filter(Boolean);
        if (reference && position > 0) announce(fmt(gettext("%(reference)s is now visit %(position)s of %(count)s."), { reference, position, count }));
      } catch (error) {
        toastError(error);
        pendingRefresh.add(key);
      } finally {
        release(key);
      }
    });
    queues.set(key, next);
  }

  // ---- lock, send, quick actions -----------------------------------------------------------
  function outcomeView(key, title, results, okHeading, refusedHeading) {
    const done = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    const close = h("button", { type: "button", class: "btn btn-small", on: { click: () => {
      outcomes.delete(key);
      renderColumn(key);
    } } }, gettext("Close"));
    return h(
      "div",
      { class: ["bk-outcome", refused.length ? "bk-outcome-refused" : "bk-outcome-ok"], role: "status", tabindex: "-1" },
      h("h3", {}, title),
      done.length
        ? [h("p", { class: "bk-outcome-label" }, okHeading), h("ul", {}, done.map((r) => h("li", {}, h("a", { href: `/cases/${r.case_id}/`, "data-link": true }, r.reference))))]
        : null,
      refused.length
        ? [h("p", { class: "bk-outcome-label" }, refusedHeading), h("ul", { class: "bk-refusals" }, refused.map(refusal))]
        : null,
      results.length ? null : h("p", {}, gettext("There was nothing to do.")),
      close,
    );
  }

  /** A refusal names the case: its reference becomes the link to it. */
  function refusal(result) {
    const link = h("a", { href: `/cases/${result.case_id}/`, "data-link": true }, result.reference);
    if (result.error.startsWith(result.reference)) return h("li", {}, link, result.error.slice(result.reference.length));
    return h("li", {}, link, ": ", result.error);
  }

  /** One request for many visits of a column (lock the day, send what is locked): the
   *  outcome names what was done and what was refused, and is announced and focused. */
  async function forColumn(key, button, request, summary, doneTitle, refusedTitle) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const answer = await request();
      const done = answer.results.filter((r) => r.ok).length;
      const text = summary(done, answer.results.length - done);
      outcomes.set(key, outcomeView(key, text, answer.results, doneTitle, refusedTitle));
      announce(text);
      await refreshColumn(key);
      columnNodes.get(key)?.querySelector(".bk-outcome")?.focus();
    } catch (error) {
      toastError(error);
      button.disabled = false;
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  function lockDay(key, button) {
    const technician = columns.get(key).technician.id;
    return forColumn(
      key,
      button,
      () => api("/api/bookings/day/lock", { method: "POST", body: { technician, date } }),
      (locked, refused) => fmt(gettext("Lock day: %(locked)s locked, %(refused)s not locked"), { locked, refused }),
      gettext("Locked (ready to send):"),
      gettext("Not locked:"),
    );
  }

  function sendLocked(key, button) {
    const cases = columns.get(key).bookings.filter((b) => b.state === "locked").map((b) => b.case_id);
    if (!cases.length) return undefined;
    return forColumn(
      key,
      button,
      () => api("/api/bookings/send", { method: "POST", body: { cases } }),
      (sent, refused) => fmt(gettext("Send: %(sent)s sent, %(refused)s not sent"), { sent, refused }),
      gettext("Sent to the customer:"),
      gettext("Not sent:"),
    );
  }

  async function quickAction(key, booking, action, button) {
    if (button.getAttribute("aria-busy")) return;
    // Not disabled while busy: a disabled button drops the focus, and it should stay here.
    button.setAttribute("aria-busy", "true");
    try {
      const answer = await postAction(booking.case_id, action, {});
      replaceBooking(key, answer.booking, { bookingId: String(booking.id), control: action });
      toast(fmt(gettext("%(reference)s: %(state)s"), { reference: booking.case.reference, state: label("booking_state", answer.booking.state) }));
    } catch (error) {
      toastError(error);
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  function toggleHold(key, booking, button, slot) {
    const item = slot.closest("li");
    if (slot.firstChild) {
      clear(slot);
      if (item.dataset.movable === "true") item.draggable = true;
      button.setAttribute("aria-expanded", "false");
      release(key);
      button.focus();
      return;
    }
    hold(key);
    item.draggable = false; // the form's fields stay usable: no drag starts in them
    button.setAttribute("aria-expanded", "true");
    slot.append(
      holdForm(booking, {
        onSubmit: async (body) => {
          try {
            const answer = await postAction(booking.case_id, "hold", body);
            clear(slot);
            release(key);
            replaceBooking(key, answer.booking, { bookingId: String(booking.id), control: "hold" });
            toast(fmt(gettext("%(reference)s: %(state)s"), { reference: booking.case.reference, state: label("booking_state", answer.booking.state) }));
          } catch (error) {
            toastError(error);
          }
        },
        onClose: () => toggleHold(key, booking, button, slot),
      }),
    );
  }

  /** One visit changed by an action here: shown at once, the column re-read after. */
  function replaceBooking(key, booking, focus) {
    const column = columns.get(key);
    if (!column) return;
    const index = column.bookings.findIndex((b) => b.id === booking.id);
    const stays = booking.technician && keyOf(booking.technician) === key && booking.state !== "cancelled";
    if (index >= 0) {
      if (stays) column.bookings[index] = booking;
      else column.bookings.splice(index, 1);
    }
    renderColumn(key, stays ? focus : null);
    if (!stays) {
      if (booking.technician === null && booking.start && dayKey(new Date(booking.start)) === date) load();
      else columnNodes.get(key)?.querySelector("h2")?.focus();
    }
  }

  // ---- live ---------------------------------------------------------------------------------
  const unsubscribe = live.on("booking.updated", (frame) => {
    const booking = frame.booking;
    const keys = new Set();
    for (const [key, column] of columns) if (column.bookings.some((b) => b.id === booking.id)) keys.add(key);
    if (booking.start && dayKey(new Date(booking.start)) === date && booking.state !== "cancelled") keys.add(keyOf(booking.technician));
    for (const key of keys) {
      if (key === NONE || !columns.has(key)) {
        clearTimeout(refreshTimers.get("*"));
        refreshTimers.set("*", setTimeout(load, 300));
      } else refreshSoon(key);
    }
  });

  load();

  return () => {
    disposed = true;
    unsubscribe();
    for (const timer of refreshTimers.values()) clearTimeout(timer);
    if (document.documentElement.dataset.ready === "board") delete document.documentElement.dataset.ready;
  };
}
