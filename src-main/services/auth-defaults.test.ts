import { describe, expect, it } from 'vitest';
import { verifyPin } from '../pin';
import { DEFAULT_USERS } from './auth';

describe('the default users of a new terminal', () => {
  it("each stored hash is its own published PIN's, and no other default PIN's", async () => {
    for (const user of DEFAULT_USERS) {
      for (const other of DEFAULT_USERS) expect(await verifyPin(other.pin, user.pinHash)).toBe(other === user);
    }
  });
});
