/**
 * 员工: the tills' users of the chosen store, with their roles; add one, reset a PIN (typed twice, never shown
 * again), deactivate or reactivate. A store manager sees the actions for cashiers only; an accountant reads.
 * The server checks every rule again.
 */
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StaffList, StaffSaved, type StaffMember, type TillRole } from '../../../src-common/office/staff';
import { officeApi, type OfficeApiError } from '../api';
import { canWrite, type OfficePageProps } from '../page';
import { asApiError, EmptyState, ErrorState, QueryView, useOfficeQuery } from '../ui';
import { ChooseStore, Notice } from './staff-common';
import './staff.css';

const PIN = /^\d{4,8}$/;
const ROLES: TillRole[] = ['cashier', 'owner', 'technician'];

/** A digits-only PIN field (a password field: it never shows what was typed). */
function PinInput({ label, value, onChange, testId }: { label: string; value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <label>
      {label}
      <input type="password" inputMode="numeric" autoComplete="new-password" maxLength={8} value={value} data-testid={testId} onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))} />
    </label>
  );
}

export function StaffPage({ session, storeId, stores }: OfficePageProps) {
  const { t } = useTranslation();
  if (!storeId) {
    return (
      <section className="office-page" data-testid="office-staff">
        <h1>{t('officeStaff.staff.title')}</h1>
        <ChooseStore pageId="staff" stores={stores} />
      </section>
    );
  }
  return <StoreStaff key={storeId} session={session} storeId={storeId} stores={stores} />;
}

function StoreStaff({ session, storeId, stores }: Pick<OfficePageProps, 'session' | 'stores'> & { storeId: string }) {
  const { t } = useTranslation();
  const query = useOfficeQuery(() => officeApi.get(`/stores/${storeId}/staff`, StaffList), `staff:${storeId}`);
  const writable = canWrite(session, storeId);
  const managerOnly = stores.find((s) => s.storeId === storeId)?.role === 'manager';
  const mayManage = (role: TillRole) => writable && (!managerOnly || role === 'cashier');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<OfficeApiError | null>(null);
  const [busy, setBusy] = useState(false);
  /** The row with a form open under it: a new PIN, or name and role. */
  const [open, setOpen] = useState<{ userId: string; form: 'pin' | 'edit' } | null>(null);
  const toggle = (userId: string, form: 'pin' | 'edit') => setOpen((o) => (o?.userId === userId && o.form === form ? null : { userId, form }));

  const run = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      setNotice(await action());
      query.reload();
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const setActive = (m: StaffMember, active: boolean) =>
    run(async () => {
      await officeApi.put(`/stores/${storeId}/staff/${m.userId}`, { name: m.name, role: m.role, active }, StaffSaved);
      return t(active ? 'officeStaff.staff.reactivated' : 'officeStaff.staff.deactivated', { name: m.name });
    });

  return (
    <section className="office-page" data-testid="office-staff">
      <h1>{t('officeStaff.staff.title')}</h1>
      <p className="office-note">{t('officeStaff.staff.intro')}</p>
      {managerOnly && <p className="office-note">{t('officeStaff.staff.managerNote')}</p>}
      {!writable && <p className="office-note">{t('officeStaff.staff.readOnly')}</p>}
      {writable && <AddStaff storeId={storeId} roles={managerOnly ? ['cashier'] : ROLES} busy={busy} run={run} />}
      <Notice text={notice} testId="staff-notice" />
      {error && <ErrorState error={error} />}
      <QueryView
        query={query}
        isEmpty={(d) => d.staff.length === 0}
        empty={
          <EmptyState title={t('officeStaff.staff.empty')}>
            <p>{writable ? t('officeStaff.staff.emptyWrite') : t('officeStaff.staff.emptyRead')}</p>
          </EmptyState>
        }
      >
        {(data) => (
          <table className="office-table staff-table">
            <thead>
              <tr>
                <th scope="col">{t('officeStaff.staff.name')}</th>
                <th scope="col">{t('officeStaff.staff.role')}</th>
                <th scope="col">{t('officeStaff.staff.status')}</th>
                {writable && <th scope="col">{t('officeStaff.staff.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.staff.map((m) => (
                <Fragment key={m.userId}>
                  <tr data-testid="staff-row" data-user={m.userId} className={m.active ? undefined : 'inactive'}>
                    <td data-label={t('officeStaff.staff.name')}>{m.name}</td>
                    <td data-label={t('officeStaff.staff.role')}>{t(`officeStaff.tillRole.${m.role}`)}</td>
                    <td data-label={t('officeStaff.staff.status')} data-testid="staff-status">
                      {m.active ? t('officeStaff.staff.active') : t('officeStaff.staff.inactive')}
                    </td>
                    {writable && (
                      <td>
                        <div className="staff-actions">
                          {mayManage(m.role) && (
                            <>
                              <button type="button" disabled={busy} data-testid="staff-reset-pin" onClick={() => toggle(m.userId, 'pin')}>
                                {t('officeStaff.staff.resetPin')}
                              </button>
                              <button type="button" disabled={busy} data-testid="staff-edit" onClick={() => toggle(m.userId, 'edit')}>
                                {t('officeStaff.staff.edit')}
                              </button>
                              {m.active ? (
                                <button type="button" className="danger" disabled={busy} data-testid="staff-deactivate" onClick={() => void setActive(m, false)}>
                                  {t('officeStaff.staff.deactivate')}
                                </button>
                              ) : (
                                <button type="button" disabled={busy} data-testid="staff-reactivate" onClick={() => void setActive(m, true)}>
                                  {t('officeStaff.staff.reactivate')}
                                </button>
                              )}
                            </>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                  {open?.userId === m.userId && (
                    <tr className="staff-reset-row">
                      <td colSpan={4}>
                        {open.form === 'pin' ? (
                          <ResetPin
                            member={m}
                            busy={busy}
                            onCancel={() => setOpen(null)}
                            onSave={(pin) =>
                              void run(async () => {
                                await officeApi.post(`/stores/${storeId}/staff/${m.userId}/pin`, { pin }, StaffSaved);
                                setOpen(null);
                                return t('officeStaff.staff.pinSaved', { name: m.name });
                              })
                            }
                          />
                        ) : (
                          <EditStaff
                            member={m}
                            roles={managerOnly ? ['cashier'] : ROLES}
                            busy={busy}
                            onCancel={() => setOpen(null)}
                            onSave={(name, role) =>
                              void run(async () => {
                                await officeApi.put(`/stores/${storeId}/staff/${m.userId}`, { name, role, active: m.active }, StaffSaved);
                                setOpen(null);
                                return t('officeStaff.staff.saved', { name });
                              })
                            }
                          />
                        )}
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}

function AddStaff({ storeId, roles, busy, run }: { storeId: string; roles: TillRole[]; busy: boolean; run: (action: () => Promise<string>) => Promise<boolean> }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [role, setRole] = useState<TillRole>('cashier');
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== pin;
  const ready = name.trim() !== '' && PIN.test(pin) && again === pin;
  return (
    <form
      className="office-inline-form staff-form"
      aria-label={t('officeStaff.staff.addTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        void run(async () => {
          await officeApi.post(`/stores/${storeId}/staff`, { name: name.trim(), role, pin }, StaffSaved);
          setName('');
          setPin('');
          setAgain('');
          return t('officeStaff.staff.added', { name: name.trim() });
        });
      }}
    >
      <label>
        {t('officeStaff.staff.name')}
        <input value={name} maxLength={40} data-testid="staff-new-name" onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('officeStaff.staff.role')}
        <select value={role} data-testid="staff-new-role" onChange={(e) => setRole(e.target.value as TillRole)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`officeStaff.tillRole.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <PinInput label={t('officeStaff.staff.pin')} value={pin} onChange={setPin} testId="staff-new-pin" />
      <PinInput label={t('officeStaff.staff.pinAgain')} value={again} onChange={setAgain} testId="staff-new-pin-again" />
      <button type="submit" className="primary" disabled={busy || !ready} data-testid="staff-add">
        {t('officeStaff.staff.add')}
      </button>
      {mismatch && <p className="office-error staff-form-error">{t('officeStaff.staff.pinMismatch')}</p>}
    </form>
  );
}

function ResetPin({ member, busy, onSave, onCancel }: { member: StaffMember; busy: boolean; onSave: (pin: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== pin;
  return (
    <form
      className="office-inline-form staff-form"
      aria-label={t('officeStaff.staff.resetTitle', { name: member.name })}
      onSubmit={(e) => {
        e.preventDefault();
        if (PIN.test(pin) && pin === again) onSave(pin);
      }}
    >
      <strong className="staff-form-title">{t('officeStaff.staff.resetTitle', { name: member.name })}</strong>
      <PinInput label={t('officeStaff.staff.newPin')} value={pin} onChange={setPin} testId="staff-pin" />
      <PinInput label={t('officeStaff.staff.pinAgain')} value={again} onChange={setAgain} testId="staff-pin-again" />
      <button type="submit" className="primary" disabled={busy || !PIN.test(pin) || pin !== again} data-testid="staff-pin-save">
        {t('officeStaff.staff.savePin')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('officeStaff.cancel')}
      </button>
      {mismatch && <p className="office-error staff-form-error">{t('officeStaff.staff.pinMismatch')}</p>}
    </form>
  );
}

function EditStaff({ member, roles, busy, onSave, onCancel }: { member: StaffMember; roles: TillRole[]; busy: boolean; onSave: (name: string, role: TillRole) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(member.name);
  const [role, setRole] = useState<TillRole>(member.role);
  return (
    <form
      className="office-inline-form staff-form"
      aria-label={t('officeStaff.staff.editTitle', { name: member.name })}
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) onSave(name.trim(), role);
      }}
    >
      <strong className="staff-form-title">{t('officeStaff.staff.editTitle', { name: member.name })}</strong>
      <label>
        {t('officeStaff.staff.name')}
        <input value={name} maxLength={40} data-testid="staff-edit-name" onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {t('officeStaff.staff.role')}
        <select value={role} data-testid="staff-edit-role" onChange={(e) => setRole(e.target.value as TillRole)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`officeStaff.tillRole.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy || !name.trim()} data-testid="staff-edit-save">
        {t('officeStaff.staff.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('officeStaff.cancel')}
      </button>
    </form>
  );
}
