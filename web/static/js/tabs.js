// The Customer and Internal tabs of a case's conversation, in the staff app and the phone app:
// a tablist whose arrow keys move between the tabs (WAI-ARIA's tabs pattern); the panel is
// the element with id "thread".
import { $, h } from "./dom.js";

/** keys: the tabs shown, in order; current: the one selected; onSwitch(key) selects one;
 *  content(key): what the tab says (its name, a mark for new or waiting messages). */
export function audienceTabs(keys, current, onSwitch, content) {
  return keys.map((key) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `tab-${key}`,
        class: ["tab", key],
        "aria-selected": String(current === key),
        "aria-controls": "thread",
        tabindex: current === key ? "0" : "-1",
        on: {
          click: () => onSwitch(key),
          keydown: (event) => {
            if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && keys.length > 1) {
              const step = event.key === "ArrowRight" ? 1 : keys.length - 1;
              const other = keys[(keys.indexOf(key) + step) % keys.length];
              onSwitch(other);
              $(`#tab-${other}`)?.focus();
            }
          },
        },
      },
      content(key),
    ),
  );
}
