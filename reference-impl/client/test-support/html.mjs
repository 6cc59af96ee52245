// The HTML of a node's children as current Chromium serialises it (jsdom's own serialiser differs
// in escaping), for comparing the DOM the applier built with a vector's or a test's expectation.
// Chromium escapes < and > in attribute values too.
const VOID = new Set("area base br col embed hr img input link meta source track wbr param keygen basefont bgsound frame".split(" "));
const RAW = new Set("style script xmp iframe noembed noframes plaintext noscript".split(" "));
const esc = (s, attr) => s.replace(/&/g, "&amp;").replace(/\u00a0/g, "&nbsp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  .replace(/"/g, attr ? "&quot;" : '"');
export function innerHTML(node) {
  let out = "";
  const kids = node.localName === "template" ? node.content.childNodes : node.childNodes;
  for (const n of kids) {
    if (n.nodeType === 1) {
      const name = n.namespaceURI === "http://www.w3.org/1999/xhtml" ? n.localName : n.tagName;
      out += "<" + name;
      for (const a of n.attributes) out += " " + a.name + '="' + esc(a.value, true) + '"';
      out += ">";
      if (!(VOID.has(name) && n.namespaceURI === "http://www.w3.org/1999/xhtml")) out += innerHTML(n) + "</" + name + ">";
    } else if (n.nodeType === 3) out += RAW.has(node.localName) ? n.data : esc(n.data, false);
    else if (n.nodeType === 8) out += "<!--" + n.data + "-->";
  }
  return out;
}

