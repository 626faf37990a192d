// What the page shell carried: who is logged in, where, the colleagues, the first inbox page.
export const boot = JSON.parse(document.getElementById("boot").textContent);
export const me = boot.member;
export const organization = boot.organization;
export const isDispatcher = me.role === "admin" || me.role === "dispatcher";
export const isAdmin = me.role === "admin";

export function colleague(id) {
  return boot.colleagues.members.find((member) => member.id === id) || null;
}
