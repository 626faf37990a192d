// My day: the visits of a day in visit order (GET /api/bookings/day), each with its time window,
// case, address (a map link), contact (call or text) and booking state; the days before and
// after a tap away. A dispatcher sees their own day, or a technician's they choose. Opening the
// day fetches each visit's case and thread too, so they open later without a connection.
import { api, errorText } from "../js/api.js";
import { boot, isDispatcher, me } from "../js/boot.js";
import { debounce, fill, h } from "../js/dom.js";
import { dayKey, fmt, formatLongDate, formatTime } from "../js/i18n.js";
import { live } from "../js/live.js";
import { label } from "../js/ui.js";
import { contactLine, dayMoment, loadCase, mapLink, shiftDay } from "./data.js";
import { onOutbox, pending } from "./outbox.js";
import { pushOffer } from "./push.js";

const CHOSEN = "hub.m.technician";

export function dayPath(day) {
  return day === dayKey() ? "/m/" : `/m/day/${day}/`;
}

/** Whose day a dispatcher looks at: their own unless they chose a colleague's. */
function technicianChoice() {
  if (!isDispatcher) return null;
  const stored = Number(sessionStorage.getItem(CHOSEN));
  return boot.colleagues.members.some((member) => member.id === stored) ? stored : me.id;
}

function technicianPicker(chosen, onChange) {
  if (!isDispatcher) return null;
  const people = boot.colleagues.members.filter((member) => member.role === "technician" && member.id !== me.id);
  const picker = h(
    "select",
    {
      id: "day-technician",
      on: {
        change: () => {
          sessionStorage.setItem(CHOSEN, picker.value);
          onChange();
        },
      },
    },
    h("option", { value: me.id, selected: chosen === me.id }, fmt(gettext("Me (%(name)s)"), { name: me.name })),
    people.map((member) => h("option", { value: member.id, selected: chosen === member.id }, member.name)),
  );
  return h("label", { class: "m-picker" }, h("span", {}, gettext("Whose day")), picker);
}

export async function mount(root, params) {
  const day = params.date && /^\d{4}-\d{2}-\d{2}$/.test(params.date) ? params.date : dayKey();
  const today = day === dayKey();
  const list = h("ol", { class: "m-visits", "data-testid": "visits", "aria-label": gettext("Visits") });
  const status = h("p", { class: "m-status", role: "status" });
  const details = new Map(); // case id → its case payload (for the contact), once fetched
  let bookings = [];
  let waiting = new Map(); // case id → items waiting to be sent
  let stopped = false;

  const nav = h(
    "nav",
    { class: "m-daynav", "aria-label": gettext("Days") },
    h("a", { class: "btn", href: dayPath(shiftDay(day, -1)), "data-link": true, rel: "prev", "aria-label": gettext("Previous day") }, "‹"),
    h(
      "div",
      { class: "m-daytitle" },
      h("h1", {}, today ? gettext("My day") : formatLongDate(dayMoment(day))),
      h("p", { class: "muted" }, today ? formatLongDate(dayMoment(day)) : h("a", { href: "/m/", "data-link": true }, gettext("Back to today"))),
    ),
    h("a", { class: "btn", href: dayPath(shiftDay(day, 1)), "data-link": true, rel: "next", "aria-label": gettext("Next day") }, "›"),
  );
  fill(root, h("div", { class: "m-day" }, nav, technicianPicker(technicianChoice(), () => load()), pushOffer(), status, list));

  function visitView(booking) {
    const c = booking.case;
    const detail = details.get(c.id);
    const contact = detail?.contact;
    const count = waiting.get(c.id) || 0;
    return h(
      "li",
      { class: "m-visit", dataset: { caseId: c.id } },
      h(
        "div",
        { class: "m-visit-top" },
        h(
          "span",
          { class: "m-window" },
          booking.start ? `${formatTime(booking.start)}–${formatTime(booking.end)}` : gettext("No time yet"),
        ),
        h("span", { class: ["badge", "bk-state", `bk-state-${booking.state}`], dataset: { testid: "booking-state" } }, label("booking_state", booking.state)),
      ),
      h(
        "a",
        { class: "m-visit-case", href: `/m/cases/${c.id}/`, "data-link": true },
        h("span", { class: "ref" }, c.reference),
        " ",
        h("strong", {}, c.title),
      ),
      c.address
        ? h("p", { class: "m-line" }, h("a", { href: mapLink(c.address), target: "_blank", rel: "noopener", class: "m-map" }, "📍 ", c.address))
        : null,
      contactLine(c.customer, contact),
      count
        ? h("p", { class: "m-waiting-count", dataset: { testid: "waiting-count" } }, "🕓 ", fmt(ngettext("%(count)s message waiting to be sent", "%(count)s messages waiting to be sent", count), { count }))
        : null,
    );
  }

  function render() {
    if (!bookings.length) {
      fill(list, h("li", { class: "empty" }, gettext("No visits on this day.")));
      return;
    }
    fill(list, bookings.map(visitView));
  }

  async function countWaiting() {
    waiting = new Map();
    for (const item of await pending()) waiting.set(item.case_id, (waiting.get(item.case_id) || 0) + 1);
  }

  async function load() {
    status.textContent = "";
    try {
      const answer = await api("/api/bookings/day", { query: { date: day, technician: technicianChoice() } });
      if (stopped) return;
      bookings = answer.columns.flatMap((column) => column.bookings);
    } catch (error) {
      if (stopped) return;
      bookings = [];
      fill(list);
      status.textContent = errorText(error);
      document.documentElement.dataset.ready = "day";
      return;
    }
    await countWaiting();
    render();
    document.documentElement.dataset.ready = "day";
    // Each visit's case: the contact to call, and the thread kept for later without a connection.
    await Promise.all(
      bookings.map(async (booking) => {
        try {
          const loaded = await loadCase(booking.case.id);
          details.set(booking.case.id, loaded.case);
        } catch {
          // Without it the visit shows no contact; the rest of the day is there.
        }
      }),
    );
    if (!stopped) render();
  }

  const reload = debounce(() => load(), 300);
  const cleanups = [
    live.on("booking.updated", () => reload()),
    onOutbox(async () => {
      await countWaiting();
      if (!stopped) render();
    }),
  ];
  await load();
  return () => {
    stopped = true;
    for (const cleanup of cleanups) cleanup();
  };
}
