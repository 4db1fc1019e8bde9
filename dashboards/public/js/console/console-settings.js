// @ts-check
/**
 * What the console remembers in this browser: only whether resolved alerts are shown. Nothing
 * credential-like is kept here: the session is an HttpOnly cookie the page cannot read.
 */

const SHOW_RESOLVED_KEY = 'coldchain.console.showResolved';
// Left by earlier versions, which kept the admin token and a typed operator name here.
const RETIRED_KEYS = ['coldchain.console.token', 'coldchain.console.orgId', 'coldchain.console.operator'];

try {
  for (const key of RETIRED_KEYS) localStorage.removeItem(key);
} catch {
  // Storage refused (private mode): nothing was kept either.
}

export const settings = {
  get showResolved() {
    try {
      return localStorage.getItem(SHOW_RESOLVED_KEY) === 'true';
    } catch {
      return false;
    }
  },
  set showResolved(value) {
    try {
      if (value) localStorage.setItem(SHOW_RESOLVED_KEY, 'true');
      else localStorage.removeItem(SHOW_RESOLVED_KEY);
    } catch {
      // Storage refused: the choice holds for this visit.
    }
  },
};
