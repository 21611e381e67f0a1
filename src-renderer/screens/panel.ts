import type { ApiError } from '../../src-common/errors';
import type { PublicUser, Settings } from '../../src-common/schemas';

/** What every back-office panel (owner, technician) gets from the shell. */
export interface PanelProps {
  readonly user: PublicUser;
  readonly settings: Settings;
  readonly onError: (error: ApiError, text?: string) => void;
  readonly onOk: () => void;
}
