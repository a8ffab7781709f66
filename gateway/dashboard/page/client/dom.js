/**
 * Building the page's elements. Text from the data (model names, key aliases) only ever goes
 * in as text, never as HTML, so a hostile name cannot inject markup.
 */

/**
 * An element with its attributes and children. An attribute that is a function and named
 * `on...` is an event listener; false, null and undefined attributes are left out; children
 * are nodes, or text.
 */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === 'function' && name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  appendChildren(node, children);
  return node;
}

function appendChildren(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendChildren(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

/** The element with this id; an error naming it when the page lacks it. */
export function byId(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}

/** The value of a JSON `<script type="application/json">` of the page. */
export function embeddedJson(id) {
  return JSON.parse(byId(id).textContent ?? 'null');
}

/** Says something in the status line (read out by screen readers), as an error or not. */
export function announce(text, isError = false) {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}
