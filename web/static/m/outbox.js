// What the technician wrote and the hub has not stored yet: kept in the browser (IndexedDB), so
// a message written without a connection survives a reload or a closed app, and sent when the
// connection returns. Each item gets its client_id once, when it is written: a resend after a
// lost answer is stored once by the hub (it answers 200 with the message it already has).
// Photos are kept as Blobs, uploaded first, and their attachment ids remembered, so a retry
// after the upload does not upload them again.
import { ApiError, api } from "../js/api.js";
import { me } from "../js/boot.js";

const DB_NAME = "hub-technician";
const STORE = "outbox";
const RETRY_MS = [3000, 10000, 30000, 60000];

const listeners = new Set();
let database = null;
let running = null;
let again = false;
let retryTimer = null;
let failures = 0;

/** fn({type: "changed"}) after any change; fn({type: "sent", item, message}) when one landed. */
export function onOutbox(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(event) {
  for (const fn of listeners) {
    try {
      fn(event);
    } catch (error) {
      console.error(error);
    }
  }
}

function open() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "client_id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return database;
}

async function transact(mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** The member's waiting items (of one case, when given), oldest first. */
export async function pending(caseId = null) {
  const all = (await transact("readonly", (store) => store.getAll())) || [];
  return all
    .filter((item) => item.member_id === me.id && (caseId === null || item.case_id === caseId))
    .sort((a, b) => a.created.localeCompare(b.created));
}

const save = (item) => transact("readwrite", (store) => store.put(item));
const forget = (clientId) => transact("readwrite", (store) => store.delete(clientId));

/** Keep a message to send: {case_id, audience, channel, text, photos: [File]}. Resolves with the
 *  stored item once it is safe in the browser; sending starts at once when online. */
export async function enqueue({ case_id, audience, channel, text, photos = [] }) {
  const item = {
    client_id: crypto.randomUUID(),
    member_id: me.id,
    case_id,
    audience,
    channel,
    text,
    photos: photos.map((file) => ({ name: file.name, type: file.type, blob: file, attachment_id: null })),
    created: new Date().toISOString(),
    failed: "",
  };
  await save(item);
  emit({ type: "changed" });
  flush();
  return item;
}

/** Try a refused item again (after the reason was fixed, e.g. the customer channel turned on). */
export async function retry(clientId) {
  const item = (await pending()).find((one) => one.client_id === clientId);
  if (!item) return;
  item.failed = "";
  await save(item);
  emit({ type: "changed" });
  flush();
}

export async function discard(clientId) {
  await forget(clientId);
  emit({ type: "changed" });
}

/** Send what waits, one item at a time, oldest first; one run at a time per browser (a second
 *  call during a run makes the run go round once more). */
export function flush() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        if (navigator.locks) await navigator.locks.request("hub-technician-outbox", sendAll);
        else await sendAll();
      } while (again);
    } finally {
      running = null;
    }
  })();
  return running;
}

async function sendAll() {
  clearTimeout(retryTimer);
  let waiting = false;
  for (const item of await pending()) {
    if (item.failed) continue;
    if (!navigator.onLine) {
      waiting = true;
      break;
    }
    try {
      await send(item);
      failures = 0;
    } catch (error) {
      if (refused(error)) {
        item.failed = error.message;
        await save(item);
        emit({ type: "changed" });
        continue;
      }
      // No connection, or the hub is in trouble: everything waits for the next try.
      waiting = true;
      failures += 1;
      break;
    }
  }
  if (waiting && navigator.onLine) {
    retryTimer = setTimeout(flush, RETRY_MS[Math.min(failures, RETRY_MS.length) - 1] || RETRY_MS[0]);
  }
}

async function send(item) {
  for (const photo of item.photos) {
    if (photo.attachment_id) continue;
    const form = new FormData();
    form.append("file", photo.blob, photo.name);
    photo.attachment_id = (await api(`/api/cases/${item.case_id}/attachments`, { method: "POST", form })).id;
    await save(item);
  }
  const body = {
    audience: item.audience,
    text: item.text,
    client_id: item.client_id,
    attachments: item.photos.map((photo) => photo.attachment_id),
  };
  if (item.audience === "customer") body.channel = item.channel;
  const message = await api(`/api/cases/${item.case_id}/messages`, { method: "POST", body });
  await forget(item.client_id);
  emit({ type: "sent", item, message });
  emit({ type: "changed" });
}

/** The hub said no to this item itself (not to the connection): trying again will not help. */
function refused(error) {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && ![401, 408, 429].includes(error.status);
}

/** Start sending whenever a connection may be back. */
export function startOutbox() {
  window.addEventListener("online", () => flush());
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && flush());
  flush();
}
