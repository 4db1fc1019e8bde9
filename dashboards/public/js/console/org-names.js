// @ts-check
/**
 * Organisations by name in the language in use. The signed-in user's own organisation is always known
 * (from the session); others are named when the API lets the caller list them, else shown by id.
 */
import { currentLang } from '../i18n.js';

/** @typedef {{ id: string, name: string, nameEn: string }} NamedOrg */

/** @param {NamedOrg} org */
export function orgDisplayName(org) {
  return currentLang() === 'zh' ? org.name : org.nameEn;
}

export function createOrgNames() {
  /** @type {Map<string, NamedOrg>} */
  const known = new Map();
  return {
    /** @param {Iterable<NamedOrg>} orgs */
    learn(orgs) {
      for (const org of orgs) known.set(org.id, org);
    },
    /** @param {string} id */
    get(id) {
      return known.get(id);
    },
    /** @param {string} id */
    name(id) {
      const org = known.get(id);
      return org ? orgDisplayName(org) : id;
    },
  };
}
