// The booking of a case (docs/BOOKING.md): what it is now, what the customer was told and
// answered, and the actions the hub allows from this state. The case page mounts it in its side
// column: mountBookingPanel(container, caseId) → cleanup. The pieces the day board shares
// (state badge, action labels, time window, hold form) are exported too.
import { api, ApiError, errorText } from "./api.js";
import { boot, isDispatcher, me } from "./boot.js";
import { append, clear, debounce, h } from "./dom.js";
import { dayKey, fmt, formatDateTime, formatLongDate, formatTime, fromZonedInput, locale, toZonedInput } from "./i18n.js";
import { live } from "./live.js";
import { choices, field, label, select } from "./ui.js";

/** The words on the buttons, one per action of hub/booking/states.py. */
export function actionLabel(action) {
  switch (action) {
    case "plan": return gettext("Plan");
    case "lock": return gettext("Lock");
    case "send": return gettext("Send booking");
    case "follow_up": return gettext("Follow up manually");
    case "execute": return gettext("Send to execution");
    case "confirm": return gettext("Send booking confirmation");
    case "hold": return gettext("Put on hold");
    case "resume": return gettext("Back to planning");
    case "done": return gettext("Mark done");
    case "cancel": return gettext("Cancel booking");
    default: return action;
  }
}

/** What the customer's answer was read as (hub/booking/replies.py Intent). */
function intentLabel(intent) {
  switch (intent) {
    case "confirm": return gettext("Yes, the time suits");
    case "decline": return gettext("No, the time does not suit");
    case "reschedule": return gettext("Wants another time");
    case "contact_me": return gettext("Wants to be contacted");
    default: return gettext("Not understood");
  }
}

export function stateBadge(state) {
  return h("span", { class: ["badge", "bk-state", `bk-state-${state}`] }, label("booking_state", state));
}

/** "10:00–11:00" in the organisation's zone, or "" when there is no time. */
export function timeWindow(booking) {
  return booking.start ? `${formatTime(booking.start)}–${formatTime(booking.end)}` : "";
}

/** A calendar date ("YYYY-MM-DD") shown long; noon UTC is that same day in every Nordic zone. */
export function formatDay(key) {
  return key ? formatLongDate(`${key}T12:00:00Z`) : "";
}

/** Whether the member in front of the screen may do the action now: the payload lists what the
 *  state allows, the role narrows it (a technician only marks their own visit done). */
export function canDo(booking, action) {
  if (!booking.actions.includes(action)) return false;
  if (isDispatcher) return true;
  return action === "done" && booking.technician?.id === me.id;
}

export function postAction(caseId, action, body) {
  return api(`/api/cases/${caseId}/booking/${action}`, { method: "POST", body: body || {} });
}

/** Whether an answer deadline has passed while the hub still waits for the customer. */
export function overdue(booking) {
  return booking.state === "awaiting_response" && booking.response_deadline && Date.parse(booking.response_deadline) < Date.now();
}

const percent = new Intl.NumberFormat(locale, { style: "percent" });
let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** Put on hold: roughly when the customer is back, and whether the technician is freed.
 *  onSubmit({back_around, unassign}) is awaited; onClose() when dismissed. */
export function holdForm(booking, { onSubmit, onClose }) {
  const back = h("input", { type: "date", min: dayKey(), name: "back_around" });
  const unassign = h("input", { type: "checkbox", name: "unassign", id: nextId("bk-unassign") });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-small" }, gettext("Put on hold"));
  const form = h(
    "form",
    { class: "bk-inline-form", "aria-label": fmt(gettext("Put %(reference)s on hold"), { reference: booking.case.reference }) },
    field(gettext("Customer back around"), back, gettext("Optional: roughly when the customer can be visited again.")),
    booking.technician
      ? h(
          "div",
          { class: "bk-check" },
          unassign,
          h("label", { for: unassign.id }, fmt(gettext("Free %(name)s for other visits (unassign)"), { name: booking.technician.name })),
        )
      : null,
    h(
      "div",
      { class: "bk-buttons" },
      submit,
      h("button", { type: "button", class: "btn btn-small", on: { click: () => onClose() } }, gettext("Close")),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { unassign: unassign.checked };
    if (back.value) body.back_around = back.value;
    submit.disabled = true;
    try {
      await onSubmit(body);
    } finally {
      submit.disabled = false;
    }
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    }
  });
  setTimeout(() => back.focus(), 0);
  return form;
}

/** Colleagues for the technician select: technicians first, then the others. */
function technicianSelect(value) {
  const members = boot.colleagues.members;
  const technicians = members.filter((m) => m.role === "technician");
  const others = members.filter((m) => m.role !== "technician");
  return h(
    "select",
    { name: "technician" },
    h("option", { value: "", selected: !value }, gettext("No technician yet")),
    h("optgroup", { label: gettext("Technicians") }, technicians.map((m) => h("option", { value: m.id, selected: m.id === value }, m.name))),
    others.length
      ? h("optgroup", { label: gettext("Others") }, others.map((m) => h("option", { value: m.id, selected: m.id === value }, m.name)))
      : null,
  );
}

/** 08:00 on the next working day, in the organisation's zone: where a new plan starts. */
function defaultStart() {
  let moment = Date.now();
  for (;;) {
    moment += 86400000;
    const key = dayKey(new Date(moment));
    const weekday = new Date(`${key}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return fromZonedInput(`${key}T08:00`);
  }
}

export function mountBookingPanel(container, caseId) {
  const id = Number(caseId);
  let data = null;
  let disposed = false;
  let form = null; // {kind, node}
  let channel = null; // how lock and send go, chosen here; the booking's own until then
  let offer = null; // the ways to send a confirmation, offered after planning
  const controller = new AbortController();

  const headingId = nextId("bk-heading");
  const heading = h("h2", { id: headingId, tabindex: "-1" }, gettext("Booking"));
  const badgeSlot = h("span", { class: "bk-badge-slot" });
  const status = h("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const problem = h("div", { class: "bk-problem", role: "alert", hidden: true });
  const summary = h("div", { class: "bk-summary" });
  const actionsBox = h("div", { class: "bk-actions" });
  const formBox = h("div", { class: "bk-form-box" });
  const extras = h("div", { class: "bk-extras" });
  // In the case's side column the container is already the "Booking" region; alone, the panel is.
  const inSection = container.matches("section, [role=region]");
  const panel = h(
    inSection ? "div" : "section",
    { class: ["bk-panel", inSection ? null : "card"], "aria-labelledby": inSection ? null : headingId, "data-testid": "booking-panel", "aria-busy": "true" },
    h("header", { class: "bk-panel-head" }, heading, badgeSlot),
    status,
    problem,
    summary,
    actionsBox,
    formBox,
    extras,
  );
  summary.append(h("p", { class: "muted" }, gettext("Loading the booking…")));
  container.append(panel);

  function announce(text) {
    status.textContent = "";
    setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function showProblem(error) {
    const text = typeof error === "string" ? error : errorText(error);
    problem.hidden = !text;
    clear(problem);
    if (text) {
      problem.append(
        h("p", {}, text),
        h("button", { type: "button", class: "btn btn-small", on: { click: () => showProblem("") } }, gettext("Dismiss")),
      );
    }
  }

  async function load() {
    try {
      const fresh = await api(`/api/cases/${id}/booking`, { signal: controller.signal });
      if (disposed) return;
      const before = data?.booking.state;
      data = fresh;
      render();
      if (before && before !== data.booking.state) announce(fmt(gettext("Booking: %(state)s"), { state: label("booking_state", data.booking.state) }));
    } catch (error) {
      if (disposed || error.name === "AbortError") return;
      if (!data) {
        clear(summary).append(
          h("p", {}, errorText(error)),
          h("button", { type: "button", class: "btn btn-small", on: { click: load } }, gettext("Try again")),
        );
      } else showProblem(error);
    } finally {
      panel.removeAttribute("aria-busy");
    }
  }
  const reloadSoon = debounce(load, 250);

  /** A state change: the answer's booking is shown at once, the rest (notices, history) after. */
  async function act(button, action, body) {
    showProblem("");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const answer = await postAction(id, action, body);
      if (disposed) return false;
      data.booking = answer.booking;
      closeForm(false);
      render();
      heading.focus();
      announce(fmt(gettext("Booking: %(state)s"), { state: label("booking_state", answer.booking.state) }));
      reloadSoon();
      return true;
    } catch (error) {
      showProblem(error);
      return false;
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  function openForm(kind, node) {
    form = { kind, node };
    clear(formBox).append(node);
    renderActions();
  }

  function closeForm(focusBack = true) {
    if (!form) return;
    const kind = form.kind;
    form = null;
    clear(formBox);
    renderActions();
    if (focusBack) (actionsBox.querySelector(`[data-action="${kind}"]`) || heading).focus();
  }

  function render() {
    const booking = data.booking;
    clear(badgeSlot).append(stateBadge(booking.state));
    renderSummary(booking);
    // A form for an action the state no longer allows is closed; the plan form keeps its edits.
    if (form && form.kind !== "offer" && !canDo(booking, form.kind === "plan" ? "plan" : form.kind)) closeForm(false);
    if (form?.kind === "offer" && !canDo(booking, "confirm")) closeForm(false);
    renderActions();
    renderExtras();
  }

  function fact(term, ...value) {
    return [h("dt", {}, term), h("dd", {}, ...value)];
  }

  function renderSummary(booking) {
    const facts = [];
    facts.push(fact(gettext("Technician"), booking.technician ? booking.technician.name : h("span", { class: "muted" }, gettext("Nobody yet"))));
    facts.push(
      fact(
        gettext("When"),
        booking.start
          ? [h("span", { class: "bk-date" }, formatLongDate(booking.start)), h("br"), h("span", { class: "bk-window" }, timeWindow(booking))]
          : h("span", { class: "muted" }, gettext("Not planned yet")),
      ),
    );
    if (booking.code) facts.push(fact(gettext("Booking code"), h("code", { class: "bk-code" }, booking.code)));
    if (booking.code || booking.customer_told) facts.push(fact(gettext("Channel"), label("booking_channel", booking.channel)));
    if (booking.response_deadline) {
      const late = overdue(booking);
      facts.push(
        fact(
          gettext("Answer by"),
          h("time", { datetime: booking.response_deadline, class: late ? "bk-overdue" : null }, formatDateTime(booking.response_deadline)),
          late ? h("span", { class: "bk-overdue" }, " ", gettext("(passed)")) : null,
        ),
      );
    }
    if (booking.state === "on_hold") {
      facts.push(fact(gettext("Customer back around"), booking.hold_until ? formatDay(booking.hold_until) : h("span", { class: "muted" }, gettext("Not known"))));
    }
    if (booking.service_objects.length) facts.push(fact(gettext("Service objects"), booking.service_objects.join(", ")));
    append(clear(summary), [h("dl", { class: "bk-facts" }, facts), answerView()]);
  }

  /** The customer's latest answer, as the event log has it; older than a later change → marked. */
  function answerView() {
    const history = data.history || [];
    let index = -1;
    for (let i = history.length - 1; i >= 0; i -= 1) {
      if (history[i].kind === "booking.answered") {
        index = i;
        break;
      }
    }
    if (index < 0) return null;
    const answer = history[index];
    const outdated = history.slice(index + 1).some((event) => event.kind === "booking.sent" || (event.kind === "booking.planned" && event.data.told_again));
    const confidence = typeof answer.data.confidence === "number" ? answer.data.confidence : null;
    return h(
      "figure",
      { class: ["bk-answer", `bk-answer-${answer.data.intent || "unknown"}`, outdated ? "bk-stale" : null] },
      h("figcaption", {}, gettext("The customer's answer"), " ", h("time", { datetime: answer.created, class: "muted" }, formatDateTime(answer.created))),
      h("blockquote", {}, answer.data.text || "—"),
      h(
        "p",
        { class: "bk-intent" },
        confidence === null
          ? fmt(gettext("Read as: %(intent)s"), { intent: intentLabel(answer.data.intent) })
          : fmt(gettext("Read as: %(intent)s (%(confidence)s sure)"), { intent: intentLabel(answer.data.intent), confidence: percent.format(confidence) }),
      ),
      outdated ? h("p", { class: "bk-stale-note" }, gettext("Given before the booking was changed.")) : null,
    );
  }

  function renderActions() {
    const booking = data.booking;
    clear(actionsBox);
    const buttons = [];
    if (canDo(booking, "plan")) {
      const planned = booking.start && booking.state !== "unplanned";
      buttons.push(
        h(
          "button",
          {
            type: "button",
            class: ["btn", "btn-small", planned ? null : "btn-primary"],
            dataset: { action: "plan" },
            "aria-expanded": form?.kind === "plan" ? "true" : "false",
            on: { click: () => (form?.kind === "plan" ? closeForm() : openForm("plan", planForm())) },
          },
          planned ? gettext("Change") : gettext("Plan"),
        ),
      );
    }
    let channelSelect = null;
    if (canDo(booking, "lock") || canDo(booking, "send")) {
      channelSelect = select(choices("booking_channel"), channel || booking.channel, {
        class: "bk-channel",
        on: {
          change: () => {
            channel = channelSelect.value;
          },
        },
      });
    }
    for (const action of booking.actions) {
      if (action === "plan" || !canDo(booking, action)) continue;
      const withForm = action === "hold" || action === "confirm" || action === "cancel";
      const button = h(
        "button",
        {
          type: "button",
          class: ["btn", "btn-small", action === "cancel" ? "bk-danger" : null, primaryAction(booking) === action ? "btn-primary" : null],
          dataset: { action },
          "aria-expanded": withForm ? String(form?.kind === action) : null,
        },
        actionLabel(action),
      );
      button.addEventListener("click", () => {
        if (withForm) {
          if (form?.kind === action) closeForm();
          else openForm(action, formFor(action));
          return;
        }
        const body = (action === "lock" || action === "send") && channelSelect ? { channel: channelSelect.value } : {};
        act(button, action, body);
      });
      buttons.push(button);
    }
    if (channelSelect) actionsBox.append(field(gettext("Send by"), channelSelect));
    if (buttons.length) actionsBox.append(h("div", { class: "bk-buttons" }, buttons));
    else if (!isDispatcher) actionsBox.append(h("p", { class: "muted bk-readonly" }, gettext("Dispatchers plan and change bookings.")));
  }

  /** The button the state most calls for, marked primary. */
  function primaryAction(booking) {
    return { planned: "lock", locked: "send", manual_follow_up: "execute", confirmed: "done", on_hold: "resume" }[booking.state] || "";
  }

  function formFor(action) {
    if (action === "hold") {
      return holdForm(data.booking, {
        onSubmit: (body) => act(formBox.querySelector("button[type=submit]"), "hold", body),
        onClose: () => closeForm(),
      });
    }
    if (action === "confirm") return confirmForm(offer || ["sms"]);
    return cancelForm();
  }

  function confirmForm(ways, { offered = false } = {}) {
    const boxes = ["sms", "email"].map((way) => {
      const box = h("input", { type: "checkbox", id: nextId("bk-way"), value: way, checked: ways.includes(way) });
      return h("div", { class: "bk-check" }, box, h("label", { for: box.id }, label("booking_channel", way)));
    });
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-small" }, gettext("Send booking confirmation"));
    const node = h(
      "form",
      { class: "bk-inline-form", "aria-label": gettext("Send booking confirmation") },
      offered ? h("p", {}, gettext("Saved. Send the customer a booking confirmation now? It confirms the booking without asking them to answer.")) : h("p", {}, gettext("The customer gets the confirmation and the booking is ready for execution, without waiting for an answer.")),
      h("fieldset", { class: "bk-ways" }, h("legend", {}, gettext("Send by")), boxes),
      h(
        "div",
        { class: "bk-buttons" },
        submit,
        h("button", { type: "button", class: "btn btn-small", on: { click: () => closeForm() } }, offered ? gettext("Not now") : gettext("Close")),
      ),
    );
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      const channels = boxes.map((box) => box.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
      if (!channels.length) {
        showProblem(gettext("Choose SMS, e-mail or both."));
        return;
      }
      act(submit, "confirm", { channels }).then((ok) => {
        if (ok) offer = null;
      });
    });
    node.addEventListener("keydown", escapeCloses);
    setTimeout(() => boxes[0].querySelector("input").focus(), 0);
    return node;
  }

  function cancelForm() {
    const yes = h("button", { type: "submit", class: "btn btn-small bk-danger" }, gettext("Cancel booking"));
    const node = h(
      "form",
      { class: "bk-inline-form bk-confirm", "aria-label": gettext("Cancel booking") },
      h("p", {}, gettext("Cancel the booking? Its reminders stop and the booking code is freed. The customer is not told by the hub.")),
      h("div", { class: "bk-buttons" }, yes, h("button", { type: "button", class: "btn btn-small", on: { click: () => closeForm() } }, gettext("Keep the booking"))),
    );
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      act(yes, "cancel", {});
    });
    node.addEventListener("keydown", escapeCloses);
    setTimeout(() => yes.focus(), 0);
    return node;
  }

  function escapeCloses(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closeForm();
    }
  }

  function planForm() {
    const booking = data.booking;
    const start = toZonedInput(booking.start || defaultStart());
    const end = booking.start ? toZonedInput(booking.end) : toZonedInput(new Date(Date.parse(fromZonedInput(start)) + 3600000).toISOString());
    const technician = technicianSelect(booking.technician?.id ?? null);
    const date = h("input", { type: "date", required: true, value: start.slice(0, 10), name: "date" });
    const from = h("input", { type: "time", required: true, step: 300, value: start.slice(11, 16), name: "start" });
    const to = h("input", { type: "time", required: true, step: 300, value: end.slice(11, 16), name: "end" });
    const objects = h("input", { type: "text", value: booking.service_objects.join(", "), name: "service_objects", autocomplete: "off" });
    const sendBy = select(choices("booking_channel"), channel || booking.channel, { name: "channel" });
    const notify = booking.customer_told ? h("input", { type: "checkbox", id: nextId("bk-notify"), checked: true, name: "notify_customer" }) : null;
    const save = h("button", { type: "submit", class: "btn btn-primary btn-small", value: "save" }, gettext("Save"));
    const saveAndLock = booking.customer_told ? null : h("button", { type: "submit", class: "btn btn-small", value: "lock" }, gettext("Save and lock"));
    const fields = { technician, start: date, duration_minutes: to, service_objects: objects };

    const node = h(
      "form",
      { class: "bk-plan-form", "aria-label": booking.start ? gettext("Change the booking") : gettext("Plan the booking"), novalidate: true },
      field(gettext("Technician"), technician),
      field(gettext("Date"), date),
      h("div", { class: "bk-times" }, field(gettext("From"), from), field(gettext("To"), to, gettext("The time window the customer is told."))),
      field(gettext("Send by"), sendBy, gettext("How the booking goes to the customer when it is locked and sent.")),
      field(gettext("Service objects"), objects, gettext("Optional, separated by commas: what the visit is about.")),
      notify
        ? h(
            "div",
            { class: "bk-check bk-notify" },
            notify,
            h("label", { for: notify.id }, gettext("Tell the customer")),
            h("small", { class: "hint", id: `${notify.id}-hint` }, gettext("The customer knows the old time: they get a reschedule notice and are asked to answer again. Unticked, the booking goes back to planning and the customer is not told.")),
          )
        : null,
      h("div", { class: "bk-buttons" }, save, saveAndLock, h("button", { type: "button", class: "btn btn-small", on: { click: () => closeForm() } }, gettext("Close"))),
    );
    if (notify) notify.setAttribute("aria-describedby", `${notify.id}-hint`);

    node.addEventListener("keydown", escapeCloses);
    node.addEventListener("submit", async (event) => {
      event.preventDefault();
      const lockAfter = event.submitter?.value === "lock";
      for (const control of Object.values(fields)) control.removeAttribute("aria-invalid");
      showProblem("");
      if (!date.value || !from.value || !to.value) {
        const missing = !date.value ? date : !from.value ? from : to;
        missing.setAttribute("aria-invalid", "true");
        missing.focus();
        showProblem(gettext("Give the date and the time window."));
        return;
      }
      const startIso = fromZonedInput(`${date.value}T${from.value}`);
      const endIso = fromZonedInput(`${date.value}T${to.value}`);
      const minutes = Math.round((Date.parse(endIso) - Date.parse(startIso)) / 60000);
      if (minutes <= 0) {
        to.setAttribute("aria-invalid", "true");
        to.focus();
        showProblem(gettext("The window must end after it starts."));
        return;
      }
      const body = {
        technician: technician.value ? Number(technician.value) : null,
        start: startIso,
        duration_minutes: minutes,
      };
      const objectList = objects.value.split(",").map((text) => text.trim()).filter(Boolean);
      if (objectList.join(",") !== booking.service_objects.join(",")) body.service_objects = objectList;
      if (notify) body.notify_customer = notify.checked;
      channel = sendBy.value;
      const button = event.submitter || save;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      try {
        const answer = await api(`/api/cases/${id}/booking`, { method: "PUT", body });
        if (disposed) return;
        data.booking = answer.booking;
        closeForm(false);
        if (lockAfter && canDo(answer.booking, "lock")) {
          try {
            const locked = await postAction(id, "lock", { channel });
            data.booking = locked.booking;
          } catch (error) {
            showProblem(error);
          }
        } else if (answer.offer_confirmation?.length && canDo(answer.booking, "confirm") && answer.booking.state === "planned") {
          offer = answer.offer_confirmation;
          render();
          openForm("offer", confirmForm(offer, { offered: true }));
        }
        render();
        if (!form) heading.focus();
        announce(fmt(gettext("Booking saved: %(state)s"), { state: label("booking_state", data.booking.state) }));
        reloadSoon();
      } catch (error) {
        showProblem(error);
        const wrong = error instanceof ApiError && fields[error.field];
        if (wrong) {
          wrong.setAttribute("aria-invalid", "true");
          wrong.focus();
        }
      } finally {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
    });
    setTimeout(() => technician.focus(), 0);
    return node;
  }

  /** What the customer was told (outdated ones red), letters waiting, the booking's history. */
  function renderExtras() {
    clear(extras);
    const notices = data.notices || [];
    if (notices.length) {
      extras.append(
        h("h3", {}, gettext("What the customer was told")),
        h(
          "ul",
          { class: "bk-notices" },
          notices
            .slice()
            .reverse()
            .map((notice) =>
              h(
                "li",
                { class: notice.stale ? "bk-stale" : null },
                h("span", {}, label("purpose", notice.purpose), " · ", label("booking_channel", notice.channel)),
                " ",
                h("time", { datetime: notice.created, class: "muted" }, formatDateTime(notice.created)),
                notice.start ? h("span", { class: "bk-notice-start" }, fmt(gettext("for %(time)s"), { time: formatDateTime(notice.start) })) : null,
                notice.stale ? h("span", { class: "badge bk-stale-badge" }, gettext("Outdated")) : null,
              ),
            ),
        ),
      );
    }
    if (isDispatcher && data.letters?.length) {
      extras.append(
        h("h3", {}, gettext("In the letters folder")),
        h(
          "ul",
          { class: "bk-letters" },
          data.letters.map((letter) => h("li", {}, h("a", { href: letter.url, target: "_blank", rel: "noopener" }, letter.name))),
        ),
      );
    }
    const history = data.history || [];
    if (history.length) {
      extras.append(
        h(
          "details",
          { class: "bk-history" },
          h("summary", {}, fmt(gettext("History (%(count)s)"), { count: history.length })),
          h(
            "ol",
            {},
            history
              .slice()
              .reverse()
              .map((event) =>
                h(
                  "li",
                  {},
                  h("span", {}, event.actor.name || gettext("The hub"), " ", event.label),
                  " ",
                  h("time", { datetime: event.created, class: "muted" }, formatDateTime(event.created)),
                ),
              ),
          ),
        ),
      );
    }
  }

  const unsubscribe = live.on("booking.updated", (frame) => {
    if (frame.case_id !== id || !data) return;
    const before = data.booking.state;
    data.booking = frame.booking;
    render();
    if (before !== frame.booking.state) announce(fmt(gettext("Booking: %(state)s"), { state: label("booking_state", frame.booking.state) }));
    reloadSoon();
  });

  load();

  return () => {
    disposed = true;
    controller.abort();
    unsubscribe();
    panel.remove();
  };
}
