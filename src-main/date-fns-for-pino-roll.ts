/**
 * What pino-roll takes from date-fns (its lib/utils.js: `const { format, addDays, addHours, parse, isValid } =
 * require('date-fns')`), from date-fns's per-function ES modules. The build points pino-roll's `date-fns` here
 * (electron.vite.config.ts): its CommonJS index is the whole library (600 kB, ~70 ms of a start at full speed),
 * loaded by the core's logger at every start, of which the file rotation uses these five.
 */
export { format } from 'date-fns/format';
export { addDays } from 'date-fns/addDays';
export { addHours } from 'date-fns/addHours';
export { parse } from 'date-fns/parse';
export { isValid } from 'date-fns/isValid';
