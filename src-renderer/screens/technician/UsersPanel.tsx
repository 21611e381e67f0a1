import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src-common/contract';
import type { ApiError } from '../../../src-common/errors';
import type { Role } from '../../../src-common/roles';
import { usePos } from '../../api/context';
import { PinChangeDialog } from '../SignInScreen';
import type { PanelProps } from '../panel';
import { FieldError, useFieldErrors, useReasonText, type FieldErrors } from './SettingsPanel';
import { ManagedByServerNote } from '../../components/SyncChip';

type User = CallOutput<'users.list'>[number];
const ROLES: readonly Role[] = ['cashier', 'owner', 'technician'];
/** What the UI offers; main decides (an owner never manages a technician). */
const manageable = (actor: Role, target: Role) => actor === 'technician' || (actor === 'owner' && target !== 'technician');

type Editing = { userId: string; kind: 'rename' | 'resetPin' | 'deactivate'; value: string } | null;

export function UsersPanel({ user: me, onError, onOk }: PanelProps) {
  const pos = usePos();
  const { t, i18n } = useTranslation();
  const toFieldErrors = useFieldErrors();
  const reasonText = useReasonText();
  const [users, setUsers] = useState<User[]>([]);
  const [draft, setDraft] = useState({ name: '', role: 'cashier' as Role, pin: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [editing, setEditing] = useState<Editing>(null);
  const [pinDialog, setPinDialog] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await pos.call('users.list', {});
    if (r.ok) setUsers(r.value);
    else onError(r.error);
  }, [pos, onError]);
  useEffect(() => {
    void pos.call('users.list', {}).then((r) => (r.ok ? setUsers(r.value) : onError(r.error)));
  }, [pos, onError]);

  const refused = (error: ApiError) => {
    setErrors(toFieldErrors(error));
    onError(error, reasonText(error));
  };
  const done = async () => {
    setErrors({});
    setEditing(null);
    setMessage(t('admin.users.done'));
    onOk();
    await load();
  };

  const create = async () => {
    setMessage(null);
    const r = await pos.call('users.create', draft);
    if (!r.ok) return refused(r.error);
    setDraft({ name: '', role: 'cashier', pin: '' });
    await done();
  };
  const act = async (promise: Promise<{ ok: true } | { ok: false; error: ApiError }>) => {
    setMessage(null);
    const r = await promise;
    if (!r.ok) return refused(r.error);
    await done();
  };
  const confirmEdit = () => {
    if (!editing) return;
    const { userId, kind, value } = editing;
    if (kind === 'rename') void act(pos.call('users.rename', { userId, name: value }));
    else if (kind === 'resetPin') void act(pos.call('users.resetPin', { userId, pin: value }));
    else void act(pos.call('users.deactivate', { userId }));
  };

  const state = (u: User) => {
    const parts = [u.active ? t('admin.users.active') : t('admin.users.inactive')];
    if (u.lockedUntil && u.lockedUntil > new Date().toISOString()) parts.push(t('admin.users.lockedUntil', { time: new Date(u.lockedUntil).toLocaleTimeString(i18n.language) }));
    else if (u.failedAttempts > 0) parts.push(t('admin.users.failed', { count: u.failedAttempts }));
    if (u.mustChangePin) parts.push(t('admin.users.mustChange'));
    return parts.join(' · ');
  };

  return (
    <section className="panel admin" data-testid="users-panel">
      <ManagedByServerNote />
      <p className="note">{t('admin.users.rules')}</p>
      <div className="row">
        <button type="button" onClick={() => setPinDialog(true)} data-testid="change-own-pin">
          {t('admin.users.changeOwnPin')}
        </button>
        {message && (
          <span className="ok" role="status" data-testid="users-message">
            {message}
          </span>
        )}
      </div>
      <table data-testid="users-table">
        <thead>
          <tr>
            <th>{t('admin.users.name')}</th>
            <th>{t('admin.users.role')}</th>
            <th>{t('admin.users.state')}</th>
            <th>{t('admin.users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const canManage = manageable(me.role, u.role);
            const mine = editing?.userId === u.id ? editing : null;
            return (
              <tr key={u.id} className={u.active ? '' : 'inactive'} data-testid="user-row" data-user={u.name}>
                <td>{u.name}</td>
                <td>
                  <select
                    value={u.role}
                    aria-label={t('admin.users.setRole')}
                    disabled={!canManage || !u.active}
                    onChange={(e) => void act(pos.call('users.setRole', { userId: u.id, role: e.target.value as Role }))}
                  >
                    {ROLES.filter((r) => r === u.role || manageable(me.role, r)).map((r) => (
                      <option key={r} value={r}>
                        {t(`roles.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-testid="user-state">{state(u)}</td>
                <td>
                  {mine ? (
                    <form
                      className="row"
                      onSubmit={(e) => {
                        e.preventDefault();
                        confirmEdit();
                      }}
                    >
                      {mine.kind === 'deactivate' ? (
                        <span>{t('admin.users.confirmDeactivate', { name: u.name })}</span>
                      ) : (
                        <label>
                          {mine.kind === 'rename' ? t('admin.users.name') : t('admin.users.newPinFor', { name: u.name })}
                          <input
                            autoFocus
                            data-testid={`user-${mine.kind}-input`}
                            type={mine.kind === 'resetPin' ? 'password' : 'text'}
                            inputMode={mine.kind === 'resetPin' ? 'numeric' : undefined}
                            value={mine.value}
                            onChange={(e) => setEditing({ ...mine, value: mine.kind === 'resetPin' ? e.target.value.replace(/\D/g, '').slice(0, 8) : e.target.value })}
                          />
                          <FieldError errors={errors} name={mine.kind === 'rename' ? 'name' : 'pin'} />
                        </label>
                      )}
                      <button type="submit" className={mine.kind === 'deactivate' ? 'danger' : 'primary'} data-testid="user-confirm">
                        {mine.kind === 'deactivate' ? t('admin.users.deactivate') : t('admin.users.save')}
                      </button>
                      <button type="button" onClick={() => setEditing(null)}>
                        {t('admin.users.cancel')}
                      </button>
                    </form>
                  ) : (
                    canManage && (
                      <div className="row">
                        <button type="button" onClick={() => setEditing({ userId: u.id, kind: 'rename', value: u.name })}>
                          {t('admin.users.rename')}
                        </button>
                        {u.id !== me.id && (
                          <button type="button" data-testid="user-reset-pin" onClick={() => setEditing({ userId: u.id, kind: 'resetPin', value: '' })}>
                            {t('admin.users.resetPin')}
                          </button>
                        )}
                        {u.failedAttempts > 0 && (
                          <button type="button" data-testid="user-unlock" onClick={() => void act(pos.call('users.unlock', { userId: u.id }))}>
                            {t('admin.users.unlock')}
                          </button>
                        )}
                        {u.active && u.id !== me.id && (
                          <button type="button" className="danger" data-testid="user-deactivate" onClick={() => setEditing({ userId: u.id, kind: 'deactivate', value: '' })}>
                            {t('admin.users.deactivate')}
                          </button>
                        )}
                      </div>
                    )
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <fieldset>
          <legend>{t('admin.users.add')}</legend>
          <div className="row">
            <label>
              {t('admin.users.name')}
              <input data-testid="new-user-name" value={draft.name} maxLength={40} onChange={(e) => setDraft({ ...draft, name: e.target.value })} aria-invalid={errors.name ? true : undefined} />
              <FieldError errors={errors} name="name" />
            </label>
            <label>
              {t('admin.users.role')}
              <select data-testid="new-user-role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}>
                {ROLES.filter((r) => manageable(me.role, r)).map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('admin.users.firstPin')}
              <input
                data-testid="new-user-pin"
                type="password"
                inputMode="numeric"
                autoComplete="off"
                value={draft.pin}
                onChange={(e) => setDraft({ ...draft, pin: e.target.value.replace(/\D/g, '').slice(0, 8) })}
                aria-invalid={errors.pin ? true : undefined}
              />
              <FieldError errors={errors} name="pin" />
            </label>
            <button type="submit" className="primary" data-testid="new-user-create">
              {t('admin.users.create')}
            </button>
          </div>
        </fieldset>
      </form>
      {pinDialog && (
        <PinChangeDialog
          onClose={() => setPinDialog(false)}
          onChanged={() => {
            setPinDialog(false);
            setMessage(t('admin.pinDialog.done'));
            void load();
          }}
        />
      )}
    </section>
  );
}
