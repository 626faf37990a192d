// Web Push for the technician: a "Turn on notifications" offer on the day, and a switch in the
// menu. The browser subscribes with the hub's public key (GET /api/push/key) and the hub is told
// where to push (POST /api/push/subscriptions; DELETE to stop). While the hub has no such doors
// (404), or the browser cannot push, or the person blocked notifications, nothing is shown.
import { ApiError, api, errorText } from "../js/api.js";
import { fill, h } from "../js/dom.js";
import { fmt } from "../js/i18n.js";
import { toast } from "../js/ui.js";

let state = null; // a promise of {available, key, subscription}
let told = null; // the endpoint the hub was told of by this page
const views = new Set(); // {box, redraw}: the controls on screen

function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

async function registration() {
  return navigator.serviceWorker.ready;
}

async function readState() {
  if (!supported() || Notification.permission === "denied") return { available: false };
  let key;
  try {
    key = (await api("/api/push/key")).public_key;
  } catch {
    return { available: false };
  }
  if (!key) return { available: false };
  const pushManager = (await registration()).pushManager;
  let subscription = await pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    // The hub has a new key: the old subscription cannot be pushed to; make one with the new.
    await subscription.unsubscribe().catch(() => {});
    subscription = null;
    if (Notification.permission === "granted") {
      subscription = await subscribe(pushManager, key).catch(() => null);
    }
  } else if (subscription && subscription.endpoint !== told && navigator.onLine) {
    tell(subscription).catch(() => {});
  }
  return { available: true, key, subscription };
}

function sameKey(subscription, key) {
  const given = subscription.options?.applicationServerKey;
  if (!given) return true; // the browser does not say: assume it is
  const wanted = keyBytes(key);
  const have = new Uint8Array(given);
  return have.length === wanted.length && have.every((byte, index) => byte === wanted[index]);
}

/** Subscribe, and tell the hub; a subscription the hub did not take is undone. */
async function subscribe(pushManager, key) {
  const subscription = await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  try {
    await tell(subscription);
  } catch (error) {
    await subscription.unsubscribe().catch(() => {});
    throw error;
  }
  return subscription;
}

function current() {
  state ??= readState();
  return state;
}

/** The hub learns (again) where to push: the same subscription twice is one. */
async function tell(subscription) {
  const { endpoint, keys } = subscription.toJSON();
  await api("/api/push/subscriptions", { method: "POST", body: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
  told = endpoint;
}

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

async function turnOn() {
  const { key } = await current();
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    toast(gettext("Notifications are blocked. Allow them for this site in the browser's settings."), "error");
    return;
  }
  try {
    const pushManager = (await registration()).pushManager;
    const existing = await pushManager.getSubscription();
    if (existing) await tell(existing);
    else await subscribe(pushManager, key);
  } catch (error) {
    const reason = error instanceof ApiError || error?.name === "TypeError" ? errorText(error) : error.message;
    toast(fmt(gettext("Notifications could not be turned on: %(reason)s"), { reason }), "error");
    return;
  }
  toast(gettext("Notifications are on."));
  refresh();
}

async function turnOff() {
  const subscription = await (await registration()).pushManager.getSubscription();
  if (subscription) {
    try {
      await api("/api/push/subscriptions", { method: "DELETE", body: { endpoint: subscription.endpoint } });
    } catch (error) {
      toast(errorText(error), "error");
      return;
    }
    await subscription.unsubscribe();
    told = null;
  }
  toast(gettext("Notifications are off."));
  refresh();
}

function refresh() {
  state = null;
  for (const view of views) {
    if (view.box.isConnected) view.redraw();
    else views.delete(view); // its screen is gone
  }
}

function control(draw, testid) {
  const box = h("div", { hidden: true, "data-testid": testid });
  const redraw = async () => {
    const now = await current();
    const content = now.available ? draw(now) : null;
    box.hidden = !content;
    box.dataset.push = !now.available ? "unavailable" : now.subscription ? "on" : "off";
    fill(box, content);
  };
  views.add({ box, redraw });
  redraw();
  return box;
}

async function clicked(event, fn) {
  const button = event.currentTarget;
  button.disabled = true;
  try {
    await fn();
  } finally {
    button.disabled = false;
  }
}

/** On the day, until notifications are on: what they are for, and the button. */
export function pushOffer() {
  return control((now) =>
    now.subscription
      ? null
      : h(
          "section",
          { class: "m-card m-push-offer", "aria-label": gettext("Notifications") },
          h("p", {}, gettext("Get a notification when you are mentioned, given a case, or a visit on your day is added or changed.")),
          h("button", { type: "button", class: "btn btn-primary", "data-testid": "push-on", on: { click: (event) => clicked(event, turnOn) } }, "🔔 ", gettext("Turn on notifications")),
        ),
    "push-offer",
  );
}

/** In the menu: on or off. */
export function pushSwitch() {
  return control((now) =>
    now.subscription
      ? h("button", { type: "button", class: "btn", "data-testid": "push-off", on: { click: (event) => clicked(event, turnOff) } }, "🔕 ", gettext("Turn off notifications"))
      : h("button", { type: "button", class: "btn", on: { click: (event) => clicked(event, turnOn) } }, "🔔 ", gettext("Turn on notifications")),
    "push-switch",
  );
}
