/** The keys table of the live page, and its forms: create, edit, revoke. */
import { callGateway, SignedOutError } from './api.js';
import { announce, byId, element } from './dom.js';
import { formatDollars, formatTime, formatValue, MISSING } from './format.js';
import { budgetCell, fillTable } from './tables.js';

/** The key form's fields, as `/key/generate` and `/key/update` name them, and their kind. */
const KEY_FIELDS = [
  ['key_alias', 'text'],
  ['user_id', 'text'],
  ['team_id', 'text'],
  ['models', 'list'],
  ['max_budget', 'number'],
  ['budget_duration', 'text'],
  ['rpm_limit', 'number'],
  ['tpm_limit', 'number'],
  ['max_parallel_requests', 'number'],
];

/**
 * Wires the key dialogs. `routesBase` is where `/key/*` are served; `afterChange` reloads the
 * keys; `signOut` is called on a 401. Returns the table's row actions.
 */
export function setUpKeys({ routesBase, afterChange, signOut }) {
  const dialog = byId('key-dialog');
  const form = byId('key-form');
  const formError = byId('key-form-error');
  let editing = null;

  const failed = (failure, where) => {
    if (failure instanceof SignedOutError) {
      where.close?.();
      signOut(failure.message);
    } else if (where === dialog) {
      formError.textContent = failure.message;
    } else {
      announce(failure.message, true);
    }
  };

  const open = (row) => {
    editing = row;
    byId('key-dialog-title').textContent = row === null ? 'New key' : `Edit key ${keyNameOf(row)}`;
    byId('key-submit').textContent = row === null ? 'Create key' : 'Save';
    formError.textContent = '';
    for (const [name, kind] of KEY_FIELDS) {
      const value = row?.[name];
      form.elements[name].value =
        value === null || value === undefined
          ? ''
          : kind === 'list'
            ? value.join(', ')
            : String(value);
    }
    dialog.showModal();
  };

  byId('new-key').addEventListener('click', () => open(null));
  byId('key-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = keyFieldsOf(form, editing !== null);
    try {
      if (editing === null) {
        const created = await callGateway(`${routesBase}/key/generate`, {
          method: 'POST',
          body: fields,
        });
        dialog.close();
        showCreatedKey(created.key);
      } else {
        const body = { key: editing.token, ...fields };
        await callGateway(`${routesBase}/key/update`, { method: 'POST', body });
        dialog.close();
        announce(`Saved the key ${keyNameOf(editing)}.`);
      }
      await afterChange();
    } catch (failure) {
      failed(failure, dialog);
    }
  });

  const confirmation = byId('confirm-dialog');
  const revoke = (row) => {
    byId('confirm-text').textContent =
      `Revoke the key ${keyNameOf(row)}? Calls with it are refused from now on.`;
    confirmation.returnValue = '';
    confirmation.addEventListener(
      'close',
      async () => {
        if (confirmation.returnValue !== 'revoke') return;
        try {
          await callGateway(`${routesBase}/key/delete`, {
            method: 'POST',
            body: { keys: [row.token] },
          });
          announce(`Revoked the key ${keyNameOf(row)}.`);
          await afterChange();
        } catch (failure) {
          failed(failure, confirmation);
        }
      },
      { once: true },
    );
    confirmation.showModal();
  };

  byId('copy-key').addEventListener('click', async () => {
    const secret = byId('created-key');
    try {
      await navigator.clipboard.writeText(secret.textContent ?? '');
      announce('Copied the key.');
    } catch {
      // Without a secure context there is no clipboard: select the key for a manual copy.
      getSelection()?.selectAllChildren(secret);
    }
  });
  return { edit: open, revoke };
}

/** The fields the form holds: an empty one is left out of a new key, and cleared (null) on an edit. */
function keyFieldsOf(form, isEdit) {
  const fields = {};
  for (const [name, kind] of KEY_FIELDS) {
    const text = form.elements[name].value.trim();
    if (text === '') {
      if (isEdit) fields[name] = kind === 'list' ? [] : null;
    } else if (kind === 'list') {
      fields[name] = text
        .split(',')
        .map((model) => model.trim())
        .filter(Boolean);
    } else {
      fields[name] = kind === 'number' ? Number(text) : text;
    }
  }
  return fields;
}

function showCreatedKey(key) {
  byId('created-key').textContent = key;
  byId('created-dialog').showModal();
}

function keyNameOf(row) {
  return row.key_alias ?? row.key_name;
}

/** Fills the keys table from `GET /ui/api/keys`, each row with Edit and Revoke. */
export function renderKeys(keys, actions) {
  const limitsOf = (row) =>
    [
      row.rpm_limit !== null && `${formatValue('count', row.rpm_limit)} rpm`,
      row.tpm_limit !== null && `${formatValue('count', row.tpm_limit)} tpm`,
      row.max_parallel_requests !== null && `${row.max_parallel_requests} parallel`,
    ]
      .filter(Boolean)
      .join(' · ') || MISSING;
  const stateOf = (row) =>
    row.blocked
      ? 'blocked'
      : row.expires !== null && Date.parse(row.expires) <= Date.now()
        ? 'expired'
        : 'active';
  fillTable(document.querySelector('table[data-table="keys"]'), {
    caption: 'Virtual keys',
    columns: [
      { key: 'name', label: 'Key', cell: keyNameOf, wide: true },
      { key: 'user_id', label: 'User', cell: (row) => row.user_id ?? MISSING },
      { key: 'team_id', label: 'Team', cell: (row) => row.team_id ?? MISSING },
      {
        key: 'models',
        label: 'Models',
        cell: (row) => (row.models.length === 0 ? 'all' : row.models.join(', ')),
        wide: true,
      },
      { key: 'limits', label: 'Limits', cell: limitsOf },
      {
        key: 'spend',
        label: 'Spend',
        value: (row) => row.spend,
        cell: (row) => {
          const used =
            row.max_budget === null
              ? formatDollars(row.spend)
              : budgetCell(row.spend, row.max_budget);
          return row.budget_duration === null ? used : [used, ` per ${row.budget_duration}`];
        },
      },
      {
        key: 'expires',
        label: 'Expires',
        cell: (row) => (row.expires === null ? 'never' : formatTime(Date.parse(row.expires))),
      },
      {
        key: 'state',
        label: 'State',
        value: stateOf,
        cell: (row) =>
          element('span', { class: stateOf(row) === 'active' ? null : 'blocked' }, stateOf(row)),
      },
      {
        key: 'actions',
        label: 'Actions',
        cell: (row) =>
          element(
            'span',
            { class: 'actions' },
            element(
              'button',
              {
                type: 'button',
                class: 'small',
                'aria-label': `Edit the key ${keyNameOf(row)}`,
                onclick: () => actions.edit(row),
              },
              'Edit',
            ),
            element(
              'button',
              {
                type: 'button',
                class: 'small danger',
                'aria-label': `Revoke the key ${keyNameOf(row)}`,
                onclick: () => actions.revoke(row),
              },
              'Revoke',
            ),
          ),
      },
    ],
    rows: keys,
    empty: 'No virtual keys yet.',
    rowAttributes: (row) => ({ 'data-token': row.token, 'data-name': keyNameOf(row) }),
  });
}
