// Packages (Cosmos): the catalogue, a package's details, and install with a form built from its config schema.

import {h, patch, field} from '../dom.js';
import {packages} from '../api.js';
import {announce, confirmDialog, formError, toast} from '../components.js';
import {schemaForm} from '../schema-form.js';
import {marathonChanged} from '../store.js';

export function mount(main, route) {
  return route.rest ? detail(main, decodeURIComponent(route.rest)) : catalogue(main, route);
}

function unavailable(e, retry) {
  const again = h('button', {type: 'button', class: 'btn', id: 'packages-retry'}, 'Try again');
  again.addEventListener('click', retry);
  return h('div', {class: 'error-box unavailable', role: 'alert', id: 'packages-unavailable'},
    h('h2', {}, 'Package manager unavailable'),
    h('p', {}, 'Cosmos, the package manager, did not answer through the gateway, so packages cannot be listed or installed right now.'),
    h('p', {class: 'muted small'}, `${e.status ? `HTTP ${e.status}: ` : ''}${e.message}`),
    again);
}

function catalogue(main, route) {
  const region = h('div', {class: 'region', 'aria-busy': 'true'});
  const summary = h('p', {class: 'summary', 'aria-live': 'polite'});
  const search = h('input', {type: 'search', class: 'input', id: 'packages-search', placeholder: 'Search packages',
    'aria-label': 'Search packages', value: route.query.get('q') || ''});
  main.append(h('header', {class: 'page-head'}, h('h1', {}, 'Packages'), h('div', {class: 'toolbar'}, search)),
    h('p', {class: 'lead'}, 'The catalogue of the package repositories Cosmos knows. Installing a package deploys it on Marathon.'),
    summary, region);
  let seq = 0;
  let gone = false;
  const load = async () => {
    const mine = ++seq;
    region.setAttribute('aria-busy', 'true');
    try {
      const [res, installed] = await Promise.all([packages.search(search.value.trim()),
        packages.list().catch(() => ({packages: []}))]);
      if (gone || mine !== seq) return;
      const list = res.packages || [];
      const counts = new Map();
      for (const p of installed.packages || []) {
        const n = ((p.packageInformation || {}).packageDefinition || {}).name;
        if (n) counts.set(n, (counts.get(n) || 0) + 1);
      }
      summary.textContent = `${list.length} package${list.length === 1 ? '' : 's'}, ${counts.size} installed`;
      patch(region, list.length ? h('ul', {class: 'package-grid', 'aria-label': 'Packages'}, list.map((p) => card(p, counts.get(p.name) || 0)))
        : h('div', {class: 'empty'}, 'No package matches.'));
    } catch (e) {
      if (gone || mine !== seq) return;
      summary.textContent = 'Package manager unavailable';
      patch(region, unavailable(e, load));
    } finally {
      region.setAttribute('aria-busy', 'false');
    }
  };
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  load();
  return {
    unmount() {
      gone = true;
    },
  };
}

function icon(images) {
  const src = images && (images['icon-medium'] || images['icon-small']);
  // only same-origin or https icons; others show the initial
  return src && /^(https:|\/)/.test(src) ? h('img', {src, alt: '', class: 'pkg-icon', loading: 'lazy'}) : null;
}

function card(p, installed) {
  return h('li', {class: 'package-card', dataset: {package: p.name}},
    h('div', {class: 'pkg-head'}, icon(p.images) || h('span', {class: 'pkg-initial', 'aria-hidden': 'true'}, (p.name || '?')[0].toUpperCase()),
      h('div', {}, h('h2', {}, h('a', {href: `#/packages/${encodeURIComponent(p.name)}`}, p.name)),
        h('div', {class: 'muted small'}, p.currentVersion || p.version || ''))),
    p.selected ? h('span', {class: 'badge badge-certified'}, 'Certified') : null,
    installed ? h('span', {class: 'badge status-running'}, installed === 1 ? 'Installed' : `Installed ×${installed}`) : null,
    h('p', {class: 'pkg-desc'}, p.description || ''),
    (p.tags || []).length ? h('div', {}, p.tags.slice(0, 5).map((t) => h('span', {class: 'chip'}, t))) : null);
}

function detail(main, name) {
  const region = h('div', {class: 'region', 'aria-busy': 'true'});
  main.append(h('nav', {class: 'crumbs', 'aria-label': 'Breadcrumb'}, h('ol', {},
    h('li', {}, h('a', {href: '#/packages'}, 'Packages')), h('li', {}, h('span', {'aria-current': 'page'}, name)))),
  h('header', {class: 'page-head'}, h('h1', {}, name)), region);
  let gone = false;
  const load = async () => {
    try {
      const res = await packages.describe(name);
      if (gone) return;
      const pkg = res.package || res;
      const installed = h('section', {class: 'pkg-installed', 'aria-labelledby': 'installed-heading', 'aria-live': 'polite'});
      patch(region, describe(pkg, () => showInstalled(installed, pkg.name)), installed);
      showInstalled(installed, pkg.name);
    } catch (e) {
      if (gone) return;
      patch(region, e.status === 400 || e.status === 404 ? h('div', {class: 'error-box', role: 'alert'}, e.message) : unavailable(e, load));
    } finally {
      region.setAttribute('aria-busy', 'false');
    }
  };
  load();
  return {
    unmount() {
      gone = true;
    },
  };
}

/** The Marathon apps this package runs as (Cosmos' list), each with an Uninstall button. */
async function showInstalled(section, name) {
  let rows;
  try {
    rows = (await packages.list(name)).packages || [];
  } catch (e) {
    patch(section, h('h2', {id: 'installed-heading'}, 'Installed'), h('p', {class: 'muted'}, `Cannot list installs: ${e.message}`));
    return;
  }
  if (!rows.length) {
    patch(section, h('h2', {id: 'installed-heading'}, 'Installed'), h('p', {class: 'muted'}, `${name} is not installed.`));
    return;
  }
  patch(section, h('h2', {id: 'installed-heading'}, 'Installed'),
    h('ul', {class: 'installed-list'}, rows.map((r) => {
      const version = ((r.packageInformation || {}).packageDefinition || {}).version || '';
      const remove = h('button', {type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Uninstall ${r.appId}`,
        dataset: {uninstall: r.appId}}, 'Uninstall');
      remove.addEventListener('click', async () => {
        if (!(await confirmDialog(`Uninstall ${r.appId}?`, `The Marathon app ${r.appId} of ${name} ${version} and its tasks are removed.`, 'Uninstall'))) return;
        try {
          await packages.uninstall(name, r.appId);
          const msg = `Uninstalled ${name} from ${r.appId}`;
          toast(msg);
          announce(msg);
          marathonChanged();
          showInstalled(section, name);
        } catch (e) {
          toast(`Uninstall failed: ${e.message}`, 'error');
        }
      });
      return h('li', {dataset: {appId: r.appId}}, h('a', {href: `#/apps/${encodeURIComponent(r.appId)}`}, r.appId),
        h('span', {class: 'muted'}, ` ${version} `), remove);
    })));
}

function describe(pkg, onInstalled) {
  const form = schemaForm(pkg.config);
  const appId = h('input', {class: 'input', id: 'install-app-id', placeholder: '(from the package)', spellcheck: 'false'});
  const errors = h('div', {class: 'form-errors'});
  const result = h('div', {'aria-live': 'polite'});
  const submit = h('button', {type: 'submit', class: 'btn btn-primary', id: 'install-submit'}, `Install ${pkg.name}`);
  const formEl = h('form', {class: 'install-form', novalidate: true, 'aria-labelledby': 'install-heading'},
    h('h2', {id: 'install-heading'}, 'Install'),
    pkg.config && pkg.config.properties ? form.el : h('p', {class: 'muted'}, 'This package has no options.'),
    field('App ID', appId, 'Optional: a Marathon app ID other than the package\'s default.'),
    errors, h('div', {class: 'form-actions'}, submit), result);
  formEl.addEventListener('submit', async (e) => {
    e.preventDefault();
    let options;
    try {
      options = form.value();
    } catch (err) {
      formError(errors, err.message);
      return;
    }
    formError(errors, null);
    submit.disabled = true;
    try {
      const res = await packages.install(pkg.name, pkg.version, options, appId.value.trim() || undefined);
      const msg = `Installed ${res.packageName || pkg.name} ${res.packageVersion || pkg.version || ''}`.trim();
      toast(msg);
      announce(msg);
      marathonChanged();
      if (onInstalled) onInstalled();
      patch(result, h('div', {class: 'success-box', role: 'status'}, h('strong', {}, msg),
        res.appId ? h('p', {}, 'Marathon app: ', h('a', {href: `#/apps/${encodeURIComponent(res.appId)}`}, res.appId)) : null,
        res.postInstallNotes ? h('p', {class: 'pre-wrap'}, res.postInstallNotes) : null));
    } catch (err) {
      formError(errors, `Cosmos refused the install: ${err.message}`);
    } finally {
      submit.disabled = false;
    }
  });
  const meta = [['Version', pkg.version], ['Maintainer', pkg.maintainer], ['Packaging', pkg.packagingVersion],
    ['Website', pkg.website], ['Source', pkg.scm]].filter(([, v]) => v);
  return h('div', {class: 'package-detail'},
    h('section', {class: 'pkg-about', 'aria-label': 'About'},
      h('p', {class: 'pre-wrap'}, pkg.description || ''),
      h('dl', {class: 'kv'}, meta.map(([k, v]) => [h('dt', {}, k), h('dd', {}, /^https?:\/\//.test(v) ? h('a', {href: v, rel: 'noopener', target: '_blank'}, v) : v)])),
      (pkg.tags || []).length ? h('div', {}, pkg.tags.map((t) => h('span', {class: 'chip'}, t))) : null,
      pkg.preInstallNotes ? h('div', {class: 'banner'}, pkg.preInstallNotes) : null),
    formEl);
}
