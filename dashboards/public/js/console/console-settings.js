// @ts-check
/**
 * What the console remembers in this browser: the admin token, the station picked, the operator's
 * name and whether resolved alerts are shown.
 */

const KEYS = {
  token: 'coldchain.console.token',
  orgId: 'coldchain.console.orgId',
  operator: 'coldchain.console.operator',
  showResolved: 'coldchain.console.showResolved',
};

/** @param {string} key */
function read(key) {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/**
 * @param {string} key
 * @param {string} value empty removes the entry
 */
function write(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // Storage refused (private mode): the console still works for this visit.
  }
}

export const settings = {
  get token() {
    return read(KEYS.token);
  },
  set token(value) {
    write(KEYS.token, value);
  },
  get orgId() {
    return read(KEYS.orgId);
  },
  set orgId(value) {
    write(KEYS.orgId, value);
  },
  get operator() {
    return read(KEYS.operator);
  },
  set operator(value) {
    write(KEYS.operator, value.trim());
  },
  get showResolved() {
    return read(KEYS.showResolved) === 'true';
  },
  set showResolved(value) {
    write(KEYS.showResolved, value ? 'true' : '');
  },
};
