// The event handlers an applier has registered, as a semantic vector states them (ED-4.1): by
// increasing id, each with its event name and the element's path of child indexes from the root
// element down (comments and text nodes count).
export function handlers(applier, rootEl) {
  const path = (el) => {
    const p = [];
    for (let n = el; n !== rootEl; n = n.parentNode) p.unshift(Array.prototype.indexOf.call(n.parentNode.childNodes, n));
    return p;
  };
  // The applier keeps id → element; the element's _h has the id under its attribute's name.
  const event = (el, id) => Object.keys(el._h).find((on) => el._h[on] === id).slice(2);
  return [...applier.handlers.entries()]
    .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .map(([id, el]) => ({ eventHandlerId: String(id), event: event(el, id), path: path(el) }));
}
