// Tiny DOM helpers: elements are built with h(), never from HTML strings, so data is always text.

/**
 * h('button', {class: 'btn', onclick: fn, 'aria-label': 'Scale'}, 'Scale') → HTMLButtonElement.
 * Attributes: class, style (object or string), on<event> handlers, dataset (object), boolean true/false,
 * anything else set as an attribute. Children: nodes, strings, numbers, arrays, null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = tag === 'svg' || tag === 'rect' || tag === 'path' || tag === 'circle'
    ? document.createElementNS('http://www.w3.org/2000/svg', tag)
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k === 'value' && 'value' in el) {
      el.value = v;
      if (el.tagName === 'INPUT') el.setAttribute('value', v); // so patch() sees a changed value
    } else if (k === 'checked' && 'checked' in el) {
      el.checked = !!v;
      el.setAttribute('checked', '');
    }
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/**
 * Replaces the children of a region with new content, unless the new content renders exactly as the old (live
 * updates arrive often and mostly change nothing: the DOM, a pointer half-way through a click and the keyboard focus
 * stay put). When it does change, the focus stays on the element with the same data-focus-key.
 */
export function patch(region, ...children) {
  const next = document.createElement(region.tagName);
  append(next, children);
  if (next.innerHTML === region.innerHTML) return;
  const active = document.activeElement;
  const key = active && region.contains(active) ? active.dataset.focusKey : undefined;
  region.replaceChildren(...next.childNodes);
  if (key) {
    const again = region.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

let idCounter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: <label for> + control + optional help text wired with aria-describedby. */
export function field(label, control, help) {
  const id = control.id || uid('f');
  control.id = id;
  const parts = [h('label', {for: id}, label), control];
  if (help) {
    const hid = uid('help');
    control.setAttribute('aria-describedby', hid);
    parts.push(h('p', {class: 'help', id: hid}, help));
  }
  return h('div', {class: 'field'}, parts);
}
