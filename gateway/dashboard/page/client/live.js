/**
 * The live page (`/ui`): signs in with the master key or an admin key, then reads a range's
 * data, the router's deployments and the keys from the gateway, on demand or every 10 s.
 */
import { callGateway, KEY_STORAGE, SignedOutError } from './api.js';
import { showData } from './dashboard.js';
import { announce, byId } from './dom.js';
import { formatTime } from './format.js';
import { renderKeys, setUpKeys } from './keys.js';
import { renderDeployments } from './tables.js';

const REFRESH_MS = 10_000;
const HOUR_MS = 3_600_000;
/** The range buttons' spans. */
const SPANS = {
  '1h': HOUR_MS,
  '24h': 24 * HOUR_MS,
  '7d': 7 * 24 * HOUR_MS,
  '30d': 30 * 24 * HOUR_MS,
};

/** Starts the live page: `config.apiBase` serves `/data`, `/live` and `/keys`; `config.keyRoutesBase` the `/key/*` routes. */
export function startLive(config, dashboard) {
  const range = { span: SPANS['24h'], from: null, to: null };
  let refreshTimer = null;
  let loading = null;
  let loadAgain = false;

  const currentRange = () => {
    if (range.from !== null) return { from: range.from, to: range.to };
    const to = Date.now();
    return { from: to - range.span, to };
  };

  const loadKeys = async () => {
    dashboard.keys = await callGateway(`${config.apiBase}/keys`);
    renderKeys(dashboard.keys.keys, keyActions);
  };

  const reload = async () => {
    const { from, to } = currentRange();
    const query = new URLSearchParams({
      from: String(from),
      to: String(to),
      by: byId('group-by').value,
    });
    byId('content').setAttribute('aria-busy', 'true');
    try {
      const [data, live] = await Promise.all([
        callGateway(`${config.apiBase}/data?${query}`),
        callGateway(`${config.apiBase}/live`),
        loadKeys(),
      ]);
      dashboard.live = live;
      showData(data);
      renderDeployments(live);
      document.body.dataset.state = 'ready';
      byId('updated').textContent = `Updated ${formatTime(Date.now())}.`;
    } catch (failure) {
      if (failure instanceof SignedOutError) return signOut(failure.message);
      document.body.dataset.state = 'error';
      announce(`Could not read the dashboard: ${failure.message}`, true);
    } finally {
      byId('content').removeAttribute('aria-busy');
    }
  };

  /** Reads everything again: at once, or (when a read is under way) once that one is done. */
  const load = () => {
    if (loading !== null) {
      loadAgain = true;
      return loading;
    }
    loading = reload().finally(() => {
      loading = null;
      if (loadAgain) {
        loadAgain = false;
        load();
      }
    });
    return loading;
  };

  const stopRefresh = () => {
    clearInterval(refreshTimer);
    refreshTimer = null;
  };

  const signOut = (message) => {
    sessionStorage.removeItem(KEY_STORAGE);
    loadAgain = false;
    stopRefresh();
    byId('auto-refresh').checked = false;
    document.body.dataset.state = 'login';
    byId('content').hidden = true;
    byId('controls').hidden = true;
    byId('login').hidden = false;
    byId('login-error').textContent = message;
    byId('login-key').value = '';
    byId('login-key').focus();
  };

  const signIn = () => {
    byId('login').hidden = true;
    byId('content').hidden = false;
    byId('controls').hidden = false;
    document.body.dataset.state = 'loading';
    announce('');
    return load();
  };

  const keyActions = setUpKeys({
    routesBase: config.keyRoutesBase,
    afterChange: loadKeys,
    signOut,
  });

  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = byId('login-key').value.trim();
    if (key === '') {
      byId('login-error').textContent = 'Enter the master key or an admin key.';
      return;
    }
    sessionStorage.setItem(KEY_STORAGE, key);
    signIn();
  });
  byId('sign-out').addEventListener('click', () => signOut('Signed out.'));
  byId('refresh').addEventListener('click', () => load());
  byId('group-by').addEventListener('change', () => load());
  byId('auto-refresh').addEventListener('change', (event) => {
    stopRefresh();
    if (event.target.checked) {
      refreshTimer = setInterval(() => {
        if (!document.hidden) load();
      }, REFRESH_MS);
    }
  });

  const spanButtons = [...document.querySelectorAll('button[data-span]')];
  const customForm = byId('custom-range');
  for (const button of spanButtons) {
    button.addEventListener('click', () => {
      for (const other of spanButtons) other.setAttribute('aria-pressed', String(other === button));
      const span = button.dataset.span;
      customForm.hidden = span !== 'custom';
      if (span === 'custom') {
        const { from, to } = currentRange();
        byId('custom-from').value = localInputValue(from);
        byId('custom-to').value = localInputValue(to);
        byId('custom-from').focus();
        return;
      }
      range.span = SPANS[span];
      range.from = null;
      range.to = null;
      load();
    });
  }
  customForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const from = new Date(byId('custom-from').value).getTime();
    const to = new Date(byId('custom-to').value).getTime();
    if (!(from < to)) {
      announce('The range must start before it ends.', true);
      return;
    }
    range.from = from;
    range.to = to;
    load();
  });

  if (sessionStorage.getItem(KEY_STORAGE) === null) signOut('');
  else signIn();
}

/** A time as a `datetime-local` input holds it: local time, to the minute. */
function localInputValue(time) {
  const date = new Date(time);
  return new Date(time - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
