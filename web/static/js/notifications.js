// The bell: a red dot while something is unseen, a list of mentions, assignments, replies and
// booking changes; opening an item marks it seen.
import { api } from "./api.js";
import { $, clear, h } from "./dom.js";
import { fmt, formatWhen } from "./i18n.js";
import { live } from "./live.js";
import { navigate } from "./router.js";
import { toastError } from "./ui.js";

const KIND_TEXT = {
  mention: () => gettext("%(actor)s mentioned you"),
  assigned: () => gettext("%(actor)s assigned a case to you"),
  customer_replied: () => gettext("%(actor)s replied"),
  booking_changed: () => gettext("%(actor)s changed a booking"),
};

let unseen = 0;
let items = [];

function setUnseen(count) {
  unseen = count;
  const dot = $("#bell-dot");
  dot.hidden = count === 0;
  $("#bell").setAttribute("aria-label", count ? fmt(ngettext("Notifications: %(count)s new", "Notifications: %(count)s new", count), { count }) : gettext("Notifications"));
  document.title = document.title.replace(/^\(\d+\) /, "");
  if (count) document.title = `(${count}) ${document.title}`;
}

function itemView(item) {
  const text = fmt((KIND_TEXT[item.kind] || (() => "%(actor)s"))(), { actor: item.actor.name });
  const open = async (event) => {
    event.preventDefault();
    closePanel();
    navigate(`/cases/${item.case.id}/${item.message_id ? `?message=${item.message_id}` : ""}`);
    if (!item.seen) {
      try {
        const answer = await api("/api/notifications/seen", { method: "POST", body: { ids: [item.id] } });
        item.seen = new Date().toISOString();
        setUnseen(answer.unseen_count);
      } catch (error) {
        toastError(error);
      }
    }
  };
  return h(
    "li",
    { class: ["notification", item.seen ? "" : "unseen"], dataset: { notificationId: item.id } },
    h(
      "a",
      { href: `/cases/${item.case.id}/`, on: { click: open } },
      h("strong", {}, text),
      h("span", { class: "muted" }, ` · ${item.case.reference} ${item.case.title}`),
      item.preview ? h("span", { class: "preview" }, item.preview) : null,
      h("time", { datetime: item.created }, formatWhen(item.created)),
    ),
  );
}

function renderPanel() {
  const panel = $("#bell-panel");
  clear(panel);
  panel.append(
    h(
      "div",
      { class: "bell-head" },
      h("h2", {}, gettext("Notifications")),
      h("button", { type: "button", class: "btn btn-small", disabled: unseen === 0, on: { click: markAll } }, gettext("Mark all as seen")),
    ),
    items.length ? h("ul", { class: "notification-list" }, items.map(itemView)) : h("p", { class: "empty" }, gettext("Nothing yet.")),
  );
}

async function markAll() {
  try {
    const answer = await api("/api/notifications/seen", { method: "POST", body: { all: true } });
    for (const item of items) item.seen = item.seen || new Date().toISOString();
    setUnseen(answer.unseen_count);
    renderPanel();
  } catch (error) {
    toastError(error);
  }
}

function closePanel() {
  $("#bell-panel").hidden = true;
  $("#bell").setAttribute("aria-expanded", "false");
}

async function openPanel() {
  const panel = $("#bell-panel");
  panel.hidden = false;
  $("#bell").setAttribute("aria-expanded", "true");
  renderPanel();
  try {
    const page = await api("/api/notifications", { query: { limit: 30 } });
    items = page.results;
    setUnseen(page.unseen_count);
    renderPanel();
  } catch (error) {
    toastError(error);
  }
}

export function startBell() {
  const bell = $("#bell");
  bell.addEventListener("click", () => ($("#bell-panel").hidden ? openPanel() : closePanel()));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("#bell-panel").hidden) {
      closePanel();
      bell.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".bell-wrap")) closePanel();
  });
  live.on("notification", (frame) => {
    setUnseen(frame.unseen_count);
    if (!items.some((item) => item.id === frame.notification.id)) items.unshift(frame.notification);
    if (!$("#bell-panel").hidden) renderPanel();
  });
  live.on("notification.seen", (frame) => {
    setUnseen(frame.unseen_count);
    const seen = new Set(frame.notification_ids || []);
    for (const item of items) {
      if (seen.has(item.id) || (frame.up_to_id && item.id <= frame.up_to_id)) item.seen = item.seen || new Date().toISOString();
    }
    if (!$("#bell-panel").hidden) renderPanel();
  });
  // The count on load (and after every reconnect, since events may have been missed).
  live.on("hello", async () => {
    try {
      const page = await api("/api/notifications", { query: { limit: 1, unseen: 1 } });
      setUnseen(page.unseen_count);
    } catch {
      /* the next reconnect tries again */
    }
  });
}
