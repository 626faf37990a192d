// Small pieces every screen uses: toasts, labelled fields, buttons that show they are busy.
import { errorText } from "./api.js";
import { boot } from "./boot.js";
import { h } from "./dom.js";

export function toast(message, kind = "info") {
  if (!message) return;
  const box = document.getElementById("toasts");
  const item = h("div", { class: ["toast", `toast-${kind}`], role: kind === "error" ? "alert" : null }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 4000);
}

export const toastError = (error) => toast(errorText(error), "error");

/** A label with its control; `hint` shows under it and is tied to it for screen readers. */
export function field(label, control, hint = "") {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintNode = hint ? h("small", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, hintNode);
}

export function select(options, value, props = {}) {
  return h("select", props, options.map(([key, label]) => h("option", { value: key, selected: String(key) === String(value ?? "") }, label)));
}

/** Runs the async fn with the button disabled and marked busy; errors become a toast. */
export async function busy(button, fn) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await fn();
  } catch (error) {
    toastError(error);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

export function emptyState(text) {
  return h("p", { class: "empty" }, text);
}

/** The server's translated labels of a model's choices: label("status", "open"). */
export function label(kind, value) {
  const found = (boot.choices[kind] || []).find(([key]) => key === value);
  return found ? found[1] : value;
}

export const choices = (kind) => boot.choices[kind] || [];
