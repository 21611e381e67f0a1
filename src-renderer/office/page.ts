/** What a back-office page is given and how it is listed in the navigation (pages.tsx). */
import type { ComponentType } from 'react';
import type { OfficeRole, OfficeSession, OfficeStore } from '../../src-common/office/session';

export interface OfficePageProps {
  readonly session: OfficeSession;
  /** The store chosen in the header, or null for every store the account can see. */
  readonly storeId: string | null;
  /** The stores the account can see (at least one store is there once the owner made one). */
  readonly stores: readonly OfficeStore[];
  /** Asks the shell to read the session again (stores added, a PIN changed…). */
  readonly refreshSession: () => void;
}

export interface OfficePage {
  /** The hash path: #/<id>. */
  readonly id: string;
  /** The i18n key of its name in the navigation. */
  readonly labelKey: string;
  /** Roles that see it in the navigation (the server checks every call anyway); absent: every role. */
  readonly roles?: readonly OfficeRole[];
  readonly Component: ComponentType<OfficePageProps>;
}

/** The highest role the account has (owner > manager > accountant). */
export function topRole(session: OfficeSession): OfficeRole {
  const roles = session.grants.map((g) => g.role);
  return roles.includes('owner') ? 'owner' : roles.includes('manager') ? 'manager' : 'accountant';
}

/** Whether the account may change things in the store (owner, or its manager). */
export function canWrite(session: OfficeSession, storeId: string): boolean {
  return session.stores.some((s) => s.storeId === storeId && s.role !== 'accountant');
}
