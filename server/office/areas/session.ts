/** Sign-in, sign-out, first set-up, and who am I (with the stores I can see). */
import { sameSecret } from '../../admin-token';
import { readJson, SMALL_BODY_BYTES } from '../../http';
import { visibleStores } from '../access';
import type { OfficeRoute } from '../route';
import { CLEARED_COOKIE, needsSetup, sessionCookie, setUp, signIn, signOut } from '../sessions';

export const sessionRoutes: OfficeRoute[] = [
  { method: 'GET', path: /^\/setup$/, public: true, handler: async (ctx) => ({ needed: await needsSetup(ctx.db) }) },
  {
    method: 'POST',
    path: /^\/setup$/,
    public: true,
    status: 201,
    handler: async (ctx, r) => setUp(ctx.db, await readJson(r.req, SMALL_BODY_BYTES), (token) => sameSecret(token, ctx.adminToken)),
  },
  {
    method: 'POST',
    path: /^\/session$/,
    public: true,
    handler: async (ctx, r) => {
      const { token, user } = await signIn(ctx.db, await readJson(r.req, SMALL_BODY_BYTES));
      r.headers['set-cookie'] = sessionCookie(token);
      return { name: user.name, login: user.login, grants: user.grants, stores: await visibleStores(ctx.db, user) };
    },
  },
  {
    method: 'GET',
    path: /^\/session$/,
    handler: async (ctx, r) => ({ name: r.user.name, login: r.user.login, grants: r.user.grants, totp: r.user.totp, stores: await visibleStores(ctx.db, r.user) }),
  },
  {
    method: 'DELETE',
    path: /^\/session$/,
    handler: async (ctx, r) => {
      await signOut(ctx.db, r.user);
      r.headers['set-cookie'] = CLEARED_COOKIE;
      return { signedOut: true };
    },
  },
];
