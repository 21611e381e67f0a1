import type { Messages } from './zh-CN';

export const en: Messages = {
  app: { title: 'Jiezhang POS', sandbox: 'SANDBOX', live: 'LIVE' },
  connection: { online: 'Connected', connecting: 'Connecting…', offline: 'Connection lost, reconnecting…' },
  language: { switchTo: '中文', label: 'Language' },
  status: {
    title: 'Terminal status',
    terminalId: 'Terminal ID',
    store: 'Store',
    currency: 'Currency',
    createdAt: 'In service since',
    starts: 'Starts',
    lastStart: 'Last start',
    schema: 'Database version',
    sqlite: 'SQLite version',
    journal: 'Journal mode',
    version: 'Software version',
    acquirer: 'Acquirer mode',
  },
  cashier: {
    ready: 'Scan an item',
    nothingYet: 'Selling arrives in the next version: scanning, cart and tender.',
  },
  customer: { welcome: 'Welcome', thanks: 'Thank you' },
  errors: {
    validation_failed: 'Invalid input; nothing was changed.',
    unknown_call: 'The terminal does not support this action.',
    unauthenticated: 'Please sign in first.',
    forbidden: 'Your role may not do this.',
    not_found: 'Not found.',
    conflict: 'This conflicts with the current state; refresh and try again.',
    unavailable: 'Cannot reach the terminal right now; please wait.',
    internal: 'Internal error in the terminal; ask a technician to read the log.',
  },
};
