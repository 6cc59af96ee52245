// Entry point of dist/brasa.js: starts a circuit for the page's server components, unless the
// script tag says autostart="false" (then call Brasa.start()).
import { Circuit } from "./circuit";

const script = document.currentScript;
let circuit: Circuit | undefined;
const start = () => (circuit ||= new Circuit()).start().catch((e) => { console.error(e); circuit!.fail(String(e)); });
(window as any).Brasa = { start, get circuit() { return circuit; } };
if (!script || script.getAttribute("autostart") != "false") {
  document.readyState == "loading" ? document.addEventListener("DOMContentLoaded", start) : start();
}
