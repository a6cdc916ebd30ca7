// A form generated from a package's config.json (JSON Schema, draft 4 as Universe uses it): objects become
// fieldsets, strings text inputs (enums a select), numbers number inputs, booleans checkboxes, arrays and free-form
// objects a JSON text area. value() answers the options object Cosmos' install takes.

import {h, uid} from './dom.js';

export function schemaForm(schema) {
  const readers = [];
  const el = objectFields(schema || {}, [], readers, 0);
  return {
    el,
    /** The options; throws Error with a message naming the field when a value is not valid. */
    value() {
      const out = {};
      for (const read of readers) read(out);
      return out;
    },
  };
}

function title(key, prop) {
  return prop.title || key.replace(/[_-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

function objectFields(schema, path, readers, depth) {
  const props = schema.properties || {};
  const required = new Set(schema.required || []);
  const children = Object.entries(props).map(([key, prop]) => {
    const p = [...path, key];
    if (prop.type === 'object' && prop.properties) {
      const legendText = title(key, prop);
      return h('fieldset', {class: 'fieldset', dataset: {path: p.join('.')}},
        h('legend', {}, legendText),
        prop.description ? h('p', {class: 'help'}, prop.description) : null,
        objectFields(prop, p, readers, depth + 1));
    }
    return leaf(key, prop, p, required.has(key), readers);
  });
  return h('div', {class: depth === 0 ? 'schema-form' : 'schema-group'}, children);
}

function leaf(key, prop, path, required, readers) {
  const id = uid(`opt-${path.join('-')}`);
  const helpId = uid('help');
  const name = path.join('.');
  const label = h('label', {for: id}, title(key, prop), required ? h('span', {class: 'req', 'aria-hidden': 'true'}, ' *') : null);
  const common = {id, name, 'aria-describedby': prop.description ? helpId : null, required: required || null,
    'aria-required': required ? 'true' : null};
  let control;
  let read;
  const type = Array.isArray(prop.type) ? prop.type.find((t) => t !== 'null') : prop.type;
  if (Array.isArray(prop.enum)) {
    control = h('select', {...common, class: 'input'}, required ? null : h('option', {value: ''}, '—'),
      prop.enum.map((v) => h('option', {value: String(v)}, String(v))));
    if (prop.default !== undefined) control.value = String(prop.default);
    read = () => {
      if (control.value === '') return undefined;
      const match = prop.enum.find((v) => String(v) === control.value);
      return match === undefined ? control.value : match;
    };
  } else if (type === 'boolean') {
    control = h('input', {...common, type: 'checkbox', checked: prop.default === true});
    read = () => control.checked;
  } else if (type === 'integer' || type === 'number') {
    control = h('input', {...common, class: 'input', type: 'number', step: type === 'integer' ? '1' : 'any',
      min: prop.minimum, max: prop.maximum, value: prop.default !== undefined ? String(prop.default) : ''});
    read = () => {
      if (control.value.trim() === '') return undefined;
      const n = Number(control.value);
      if (Number.isNaN(n) || (type === 'integer' && !Number.isInteger(n))) throw new Error(`${name} must be ${type === 'integer' ? 'a whole number' : 'a number'}`);
      if (prop.minimum !== undefined && n < prop.minimum) throw new Error(`${name} must be at least ${prop.minimum}`);
      if (prop.maximum !== undefined && n > prop.maximum) throw new Error(`${name} must be at most ${prop.maximum}`);
      return n;
    };
  } else if (type === 'array' || type === 'object') {
    control = h('textarea', {...common, class: 'input mono', rows: 3, spellcheck: 'false',
      value: prop.default !== undefined ? JSON.stringify(prop.default) : ''});
    read = () => {
      if (control.value.trim() === '') return undefined;
      try {
        const v = JSON.parse(control.value);
        if (type === 'array' && !Array.isArray(v)) throw new Error();
        return v;
      } catch {
        throw new Error(`${name} must be JSON (${type === 'array' ? 'an array' : 'an object'})`);
      }
    };
  } else {
    control = h('input', {...common, class: 'input', type: 'text', spellcheck: 'false', maxlength: prop.maxLength,
      value: prop.default !== undefined ? String(prop.default) : ''});
    read = () => {
      if (control.value === '' && !required) return undefined;
      if (prop.minLength !== undefined && control.value.length < prop.minLength) throw new Error(`${name} must have at least ${prop.minLength} characters`);
      if (prop.pattern && !new RegExp(prop.pattern).test(control.value)) throw new Error(`${name} must match ${prop.pattern}`);
      return control.value;
    };
  }
  readers.push((out) => {
    const v = read();
    if (v === undefined) {
      if (required && control.type !== 'checkbox') throw new Error(`${name} is required`);
      return;
    }
    let target = out;
    for (const k of path.slice(0, -1)) target = target[k] || (target[k] = {});
    target[path[path.length - 1]] = v;
  });
  const wrap = type === 'boolean'
    ? h('div', {class: 'field check'}, control, label)
    : h('div', {class: 'field'}, label, control);
  if (prop.description) wrap.appendChild(h('p', {class: 'help', id: helpId}, prop.description));
  return wrap;
}
