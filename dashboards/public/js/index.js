// @ts-check
/** The landing page: static texts in the chosen language, and the switch. */
import { byId } from './dom.js';
import { mountLangToggle } from './lang-toggle.js';

mountLangToggle(byId('lang-toggle'));
