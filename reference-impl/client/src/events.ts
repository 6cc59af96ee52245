// Event-args JSON per family (spec/events.md EV-4, EV-5.1), members in the recorded order.
const pick = (e: any, names: string) => { const o: any = {}; for (const k of names.split(" ")) o[k] = e[k]; return o; };
const MODS = "ctrlKey shiftKey altKey metaKey";
const MOUSE = "detail screenX screenY clientX clientY offsetX offsetY pageX pageY movementX movementY button buttons " + MODS + " type";
const touches = (l: any) => Array.from(l || [], (t: any) => pick(t, "identifier clientX clientY screenX screenY pageX pageY"));

const FAMILY: Record<string, string> = {};
const family = (f: string, names: string) => names.split(" ").forEach((n) => (FAMILY[n] = f));
family("m", "click dblclick contextmenu mousedown mouseup mousemove mouseover mouseout");
family("w", "wheel mousewheel");
family("p", "gotpointercapture lostpointercapture pointercancel pointerdown pointerenter pointerleave pointermove pointerout pointerover pointerup");
family("t", "touchcancel touchend touchmove touchenter touchleave touchstart");
family("d", "drag dragend dragenter dragleave dragover dragstart drop");
family("k", "keydown keyup keypress");
family("f", "focus blur focusin focusout copy cut paste");
family("c", "input change");
family("e", "error");
family("g", "loadstart timeout abort load loadend progress");

// The value an input, select or textarea holds: a bool for checkboxes (EV-4.9), an array for a
// select multiple (args) or its first selected value (field info).
export function elementValue(el: any, forArgs: boolean): unknown {
  if (el.type == "checkbox") return !!el.checked;
  if (el.localName == "select" && el.multiple && forArgs)
    return Array.from(el.options).filter((o: any) => o.selected).map((o: any) => o.value);
  let v = el.value;
  if ((el.type == "time" && /^\d\d:\d\d$/.test(v)) || (el.type == "datetime-local" && /T\d\d:\d\d$/.test(v))) v += ":00";
  return v;
}

export function eventArgs(name: string, e: any): unknown {
  switch (FAMILY[name]) {
    case "m": return pick(e, MOUSE);
    case "w": return Object.assign(pick(e, MOUSE), pick(e, "deltaX deltaY deltaZ deltaMode"));
    case "p": return Object.assign(pick(e, MOUSE), pick(e, "pointerId width height pressure tiltX tiltY pointerType isPrimary"));
    case "t": return { detail: e.detail, touches: touches(e.touches), targetTouches: touches(e.targetTouches),
      changedTouches: touches(e.changedTouches), ...pick(e, MODS + " type") };
    case "d": {
      const t = e.dataTransfer;
      return Object.assign(pick(e, MOUSE), { dataTransfer: t && {
        dropEffect: t.dropEffect, effectAllowed: t.effectAllowed,
        files: Array.from(t.files || [], (f: any) => f.name),
        items: Array.from(t.items || [], (i: any) => ({ kind: i.kind, type: i.type })),
        types: Array.from(t.types || []) } });
    }
    case "k": return pick(e, "key code location repeat " + MODS + " type isComposing");
    case "f": return { type: e.type };
    case "c": {
      const t = e.target;
      return { value: t && "value" in t ? elementValue(t, true) : null };
    }
    case "e": return e.message === undefined ? { type: e.type } : pick(e, "message filename lineno colno type");
    case "g": return pick(e, "lengthComputable loaded total type");
  }
  return {};
}

// eventFieldInfo: non-null whenever the target is an input, select or textarea (fact sheet §8.2);
// its component is the one whose render set the handler, as Blazor's client reports.
export function fieldInfo(target: any, componentId?: number): unknown {
  const tag = target && target.localName;
  if (tag != "input" && tag != "select" && tag != "textarea") return null;
  return { componentId: componentId ?? null, fieldValue: elementValue(target, false) };
}
