// Addresses inside the app: links marked data-link and navigate() change the view without a
// page load; the server answers every one of them with the same shell, so reloads work.
const routes = [];
let current = null;
let root = null;

/** pattern: "/cases/:id/"; load: () => import("./case.js"), whose mount(root, params, query)
 *  renders the view and may return a cleanup function. */
export function route(pattern, name, load) {
  const keys = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_, key) => {
      keys.push(key);
      return "([^/]+)";
    })}$`,
  );
  routes.push({ regex, keys, name, load });
}

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"]({}, "", path);
  render();
}

/** Change the query string of the current view without re-rendering it. */
export function setQuery(params) {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "" || value === false) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  history.replaceState({}, "", url);
}

export function startRouter(container) {
  root = container;
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-link]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href"));
  });
  window.addEventListener("popstate", render);
  render();
}

async function render() {
  const path = location.pathname;
  for (const { regex, keys, name, load } of routes) {
    const found = path.match(regex);
    if (!found) continue;
    const params = Object.fromEntries(keys.map((key, index) => [key, decodeURIComponent(found[index + 1])]));
    const token = {};
    current?.cleanup?.();
    current = { token, cleanup: null };
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    document.documentElement.dataset.view = name;
    const module = await load();
    if (current.token !== token) return;
    root.replaceChildren();
    const cleanup = await module.mount(root, params, new URLSearchParams(location.search));
    if (current.token === token) current.cleanup = cleanup || null;
    else cleanup?.();
    return;
  }
  root.replaceChildren(document.createTextNode(gettext("This page does not exist.")));
}
