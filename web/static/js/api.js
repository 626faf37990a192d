// The one way the app talks HTTP to the hub: JSON in, JSON out, errors as ApiError.

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "";
    this.field = error.field || null;
    this.details = error;
  }
}

function csrfToken() {
  const found = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return found ? decodeURIComponent(found.slice("csrftoken=".length)) : "";
}

/** path: "/api/…"; body → JSON; form → FormData (uploads); query → search parameters
 *  (arrays repeat the key; null/undefined/"" are left out). Resolves with the parsed JSON (null
 *  for an empty answer); rejects with ApiError carrying the hub's message in the member's
 *  language, or a network error. */
export async function api(path, { method = "GET", body, form, query, signal } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    for (const item of [value].flat()) {
      if (item !== null && item !== undefined && item !== "" && item !== false) {
        url.searchParams.append(key, item === true ? "1" : item);
      }
    }
  }
  const headers = { Accept: "application/json" };
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  const response = await fetch(url, { method, headers, body: payload, signal, credentials: "same-origin" });
  if (response.status === 401) {
    location.assign(`/login/?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, { message: gettext("You have been logged out.") });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = (data && data.error) || { message: interpolate(gettext("The hub answered %(status)s."), { status: response.status }, true) };
    throw new ApiError(response.status, error);
  }
  return data;
}

/** A message for the person in front of the screen, whatever went wrong. */
export function errorText(error) {
  if (error instanceof ApiError) return error.message;
  if (error && error.name === "AbortError") return "";
  return gettext("The hub could not be reached. Check the connection and try again.");
}
