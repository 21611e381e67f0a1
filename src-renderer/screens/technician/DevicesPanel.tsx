import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BAUD_RATES, PARITIES, type DeviceConfig } from '../../../src-common/calls/devices';
import type { CallOutput } from '../../../src-common/contract';
import type { ApiError } from '../../../src-common/errors';
import type { DeviceStatus } from '../../../src-common/schemas';
import { usePos } from '../../api/context';
import type { PanelProps } from '../panel';
import { fieldLabel, issueLines } from '../../i18n/issues';
import '../../styles/devices.css';

type Role = DeviceConfig['role'];
type Port = CallOutput<'devices.ports'>['ports'][number];

/** What the form edits: text fields as typed, turned into a DeviceConfig on save (main validates it again). */
interface Draft {
  id: string;
  role: Role;
  kind: 'serial' | 'tcp' | 'hid';
  path: string;
  baudRate: string;
  dataBits: string;
  parity: string;
  stopBits: string;
  flow: 'none' | 'rtscts' | 'xon';
  host: string;
  port: string;
  vendorId: string;
  productId: string;
  serialNumber: string;
  hidPath: string;
  suffix: string;
  aimPrefix: boolean;
  /** '' = the kiosk while kiosk mode is on, the till otherwise. */
  scannerSurface: string;
  columns: string;
  statusPollMs: string;
  printerDrawer: boolean;
  drawerPin: string;
  protocol: string;
  displayColumns: string;
  encoding: string;
  openBytes: string;
  scaleProtocol: string;
  capacityKg: string;
}

const EMPTY: Draft = {
  id: '',
  role: 'scanner',
  kind: 'serial',
  path: '',
  baudRate: '9600',
  dataBits: '8',
  parity: 'none',
  stopBits: '1',
  flow: 'none',
  host: '',
  port: '9100',
  vendorId: '',
  productId: '',
  serialNumber: '',
  hidPath: '',
  suffix: 'CR',
  aimPrefix: false,
  scannerSurface: '',
  columns: '48',
  statusPollMs: '2000',
  printerDrawer: true,
  drawerPin: '2',
  protocol: 'led8',
  displayColumns: '20',
  encoding: 'ascii',
  openBytes: '07',
  scaleProtocol: 'toledo8217',
  capacityKg: '30',
};

const hex = (n: number) => n.toString(16).padStart(4, '0');
const hexBytes = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

function draftOf(d: DeviceConfig): Draft {
  const draft: Draft = { ...EMPTY, id: d.id, role: d.role, kind: d.transport.kind };
  const tr = d.transport;
  if (tr.kind === 'serial') {
    Object.assign(draft, { path: tr.path, baudRate: String(tr.baudRate), dataBits: String(tr.dataBits), parity: tr.parity, stopBits: String(tr.stopBits), flow: tr.rtscts ? 'rtscts' : tr.xon ? 'xon' : 'none' });
  } else if (tr.kind === 'tcp') {
    Object.assign(draft, { host: tr.host, port: String(tr.port) });
  } else {
    Object.assign(draft, { vendorId: hex(tr.vendorId), productId: hex(tr.productId), serialNumber: tr.serialNumber ?? '', hidPath: tr.path ?? '' });
  }
  if (d.role === 'scanner') Object.assign(draft, { suffix: d.suffix, aimPrefix: d.aimPrefix, scannerSurface: d.surface ?? '' });
  if (d.role === 'printer') Object.assign(draft, { columns: String(d.columns), statusPollMs: String(d.statusPollMs), printerDrawer: d.drawer !== undefined, drawerPin: String(d.drawer?.pin ?? 2) });
  if (d.role === 'display') Object.assign(draft, { protocol: d.protocol, displayColumns: String(d.columns), encoding: d.encoding });
  if (d.role === 'drawer') draft.openBytes = hexBytes(d.openBytes);
  if (d.role === 'scale') Object.assign(draft, { scaleProtocol: d.protocol, capacityKg: String(d.capacityGrams / 1000) });
  return draft;
}

/** Hex bytes as typed ('07', '1B 70 00 19 FA', '0x1b,0x70'); null when not bytes. */
function parseHexBytes(text: string): number[] | null {
  const tokens = text.trim().split(/[\s,:]+/).filter(Boolean);
  if (!tokens.length) return null;
  const out: number[] = [];
  for (const token of tokens) {
    const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(token);
    if (!m?.[1]) return null;
    out.push(parseInt(m[1], 16));
  }
  return out;
}

/** The device as the API takes it. Numbers that are not numbers stay NaN: main refuses them, naming the field. */
function configOf(d: Draft): unknown {
  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  const transport =
    d.kind === 'serial'
      ? { kind: 'serial', path: d.path.trim(), baudRate: num(d.baudRate), dataBits: num(d.dataBits), parity: d.parity, stopBits: num(d.stopBits), rtscts: d.flow === 'rtscts', xon: d.flow === 'xon' }
      : d.kind === 'tcp'
        ? { kind: 'tcp', host: d.host.trim(), port: num(d.port) }
        : {
            kind: 'hid',
            vendorId: parseInt(d.vendorId, 16),
            productId: parseInt(d.productId, 16),
            ...(d.serialNumber.trim() ? { serialNumber: d.serialNumber.trim() } : {}),
            ...(d.hidPath.trim() ? { path: d.hidPath.trim() } : {}),
          };
  const base = { id: d.id.trim(), role: d.role, transport };
  switch (d.role) {
    case 'scanner':
      return { ...base, suffix: d.suffix, aimPrefix: d.aimPrefix, ...(d.scannerSurface ? { surface: d.scannerSurface } : {}) };
    case 'printer':
      return { ...base, columns: num(d.columns), statusPollMs: num(d.statusPollMs), ...(d.printerDrawer ? { drawer: { pin: num(d.drawerPin) } } : {}) };
    case 'display':
      return { ...base, protocol: d.protocol, columns: num(d.displayColumns), encoding: d.encoding };
    case 'drawer':
      return { ...base, openBytes: parseHexBytes(d.openBytes) ?? [] };
    case 'scale':
      return { ...base, protocol: d.scaleProtocol, capacityGrams: Math.round(num(d.capacityKg) * 1000) };
  }
}

function transportText(d: DeviceConfig): string {
  const tr = d.transport;
  if (tr.kind === 'serial') return `${tr.path} ${tr.baudRate} ${tr.dataBits}${tr.parity[0]!.toUpperCase()}${tr.stopBits}`;
  if (tr.kind === 'tcp') return `${tr.host}:${tr.port}`;
  return `HID ${hex(tr.vendorId)}:${hex(tr.productId)}${tr.serialNumber ? ` #${tr.serialNumber}` : ''}`;
}

export function DevicesPanel({ onError, onOk }: PanelProps) {
  const { t } = useTranslation();
  const pos = usePos();
  const [ports, setPorts] = useState<{ ports: Port[]; problems: string[] } | null>(null);
  const [configs, setConfigs] = useState<DeviceConfig[]>([]);
  const [statuses, setStatuses] = useState<Record<string, DeviceStatus>>({});
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [formErrors, setFormErrors] = useState<{ path: string; text: string }[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const reasonText = useCallback(
    (error: ApiError) => {
      const reason = (error.details as { reason?: string } | undefined)?.reason;
      return reason ? t(`devices.reasons.${reason}`, { defaultValue: t(`errors.${error.code}`) }) : undefined;
    },
    [t],
  );
  const fail = useCallback((error: ApiError) => onError(error, reasonText(error)), [onError, reasonText]);

  const loadPorts = useCallback(() => void pos.call('devices.ports', {}).then((r) => (r.ok ? setPorts(r.value) : fail(r.error))), [pos, fail]);
  const loadStatuses = useCallback(
    () => void pos.call('devices.status', {}).then((r) => (r.ok ? setStatuses(Object.fromEntries(r.value.map((s) => [s.id, s]))) : fail(r.error))),
    [pos, fail],
  );
  useEffect(() => {
    loadPorts();
    loadStatuses();
    void pos.call('devices.configs', {}).then((r) => (r.ok ? setConfigs(r.value) : fail(r.error)));
  }, [pos, loadPorts, loadStatuses, fail]);
  useEffect(() => pos.on('device.status', (s) => setStatuses((all) => ({ ...all, [s.id]: s }))), [pos]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const pickPort = (p: Port) => {
    if (p.kind === 'serial') setDraft((d) => ({ ...d, kind: 'serial', path: p.path }));
    else setDraft((d) => ({ ...d, kind: 'hid', role: 'scanner', vendorId: p.vendorId ?? '', productId: p.productId ?? '', serialNumber: p.serialNumber ?? '', hidPath: '' }));
  };

  const save = async () => {
    setNotice(null);
    if (draft.role === 'drawer' && parseHexBytes(draft.openBytes) === null) {
      setFormErrors([{ path: 'device.openBytes', text: t('issues.line', { field: fieldLabel(t, 'device.openBytes'), problem: t('devices.form.badHex') }) }]);
      return;
    }
    const r = await pos.call('devices.save', { device: configOf(draft) as DeviceConfig });
    if (!r.ok) {
      if (r.error.code === 'validation_failed' && Array.isArray(r.error.details)) setFormErrors(issueLines(t, r.error));
      else fail(r.error);
      return;
    }
    setFormErrors([]);
    setConfigs(r.value);
    setNotice(t('devices.form.saved'));
    onOk();
    loadStatuses();
  };

  const remove = async (id: string) => {
    const r = await pos.call('devices.remove', { id });
    if (!r.ok) return fail(r.error);
    setConfigs(r.value);
    setStatuses((all) => Object.fromEntries(Object.entries(all).filter(([k]) => k !== id)));
    setNotice(t('devices.configured.removed', { id }));
  };

  const test = async (which: 'print' | 'display' | 'drawer') => {
    setNotice(null);
    if (which === 'print') {
      const r = await pos.call('devices.testPrint', {});
      return r.ok ? setNotice(t('devices.tests.printed')) : fail(r.error);
    }
    if (which === 'display') {
      const r = await pos.call('devices.testDisplay', {});
      return r.ok ? setNotice(t('devices.tests.displayed', { count: r.value.shown })) : fail(r.error);
    }
    const r = await pos.call('devices.openDrawer', {});
    return r.ok ? setNotice(t('devices.tests.drawerOpened')) : fail(r.error);
  };

  const field = (label: string, key: keyof Draft, testId: string, extra: { list?: string; placeholder?: string } = {}) => (
    <label>
      {t(label)}
      <input data-testid={testId} value={String(draft[key])} onChange={(e) => set(key, e.target.value as never)} {...extra} />
    </label>
  );
  const select = (label: string, key: keyof Draft, testId: string, options: readonly (string | number)[], text?: (o: string) => string) => (
    <label>
      {t(label)}
      <select data-testid={testId} value={String(draft[key])} onChange={(e) => set(key, e.target.value as never)}>
        {options.map((o) => (
          <option key={o} value={String(o)}>
            {text ? text(String(o)) : String(o)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="panel devices" data-testid="devices-panel">
      <div className="devices-col">
        <h2>
          {t('devices.ports.title')}{' '}
          <button type="button" onClick={loadPorts} data-testid="ports-refresh">
            {t('devices.ports.refresh')}
          </button>
        </h2>
        {ports?.problems.map((p) => (
          <p key={p} className="devices-problem" data-testid="ports-problem">
            {p}
          </p>
        ))}
        {ports && ports.ports.length === 0 && <p className="muted">{t('devices.ports.none')}</p>}
        {ports && ports.ports.length > 0 && (
          <table className="devices-table" data-testid="ports">
            <thead>
              <tr>
                <th>{t('devices.ports.kind')}</th>
                <th>{t('devices.ports.path')}</th>
                <th>{t('devices.ports.ids')}</th>
                <th>{t('devices.ports.serialNumber')}</th>
                <th>{t('devices.ports.product')}</th>
                <th>
                  <span className="visually-hidden">{t('a11y.columns.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {ports.ports.map((p) => (
                <tr key={`${p.kind}:${p.path}`} data-testid="port-row">
                  <td>{p.kind === 'hid' ? `HID${p.usagePage === 0x8c ? ' POS' : ''}` : t('devices.form.serial')}</td>
                  <td className="mono">{p.path}</td>
                  <td className="mono">{p.vendorId ? `${p.vendorId}:${p.productId ?? ''}` : ''}</td>
                  <td className="mono">{p.serialNumber ?? ''}</td>
                  <td>{[p.manufacturer, p.product].filter(Boolean).join(' ')}</td>
                  <td>
                    <button type="button" onClick={() => pickPort(p)}>
                      {t('devices.ports.use')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}

        <h2>{t('devices.configured.title')}</h2>
        {configs.length === 0 && <p className="muted">{t('devices.configured.none')}</p>}
        {configs.length > 0 && (
          <table className="devices-table" data-testid="configured-devices">
            <thead>
              <tr>
                <th>{t('devices.configured.id')}</th>
                <th>{t('devices.configured.role')}</th>
                <th>{t('devices.configured.transport')}</th>
                <th>{t('devices.configured.state')}</th>
                <th>{t('devices.configured.queued')}</th>
                <th>
                  <span className="visually-hidden">{t('a11y.columns.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {configs.map((d) => {
                const s = statuses[d.id];
                return (
                  <tr key={d.id} data-testid={`device-${d.id}`}>
                    <td className="mono">{d.id}</td>
                    <td>{t(`devices.roles.${d.role}`)}</td>
                    <td className="mono">{transportText(d)}</td>
                    <td>
                      <span className={`device-state ${s?.state ?? 'closed'}`} data-testid={`device-state-${d.id}`} data-state={s?.state ?? 'closed'}>
                        {t(`devices.states.${s?.state ?? 'closed'}`)}
                      </span>
                      {s?.detail && <span className="device-detail">{s.detail}</span>}
                    </td>
                    <td className="num">{d.role === 'printer' ? (s?.queued ?? 0) : ''}</td>
                    <td className="devices-actions">
                      <button type="button" onClick={() => (setDraft(draftOf(d)), setFormErrors([]))} data-testid={`device-edit-${d.id}`}>
                        {t('devices.configured.edit')}
                      </button>
                      <button type="button" className="danger" onClick={() => void remove(d.id)} data-testid={`device-remove-${d.id}`}>
                        {t('devices.configured.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}

        <h2>{t('devices.tests.title')}</h2>
        <div className="devices-tests">
          <button type="button" className="big" onClick={() => void test('print')} data-testid="test-print">
            {t('devices.tests.print')}
          </button>
          <button type="button" className="big" onClick={() => void test('display')} data-testid="test-display">
            {t('devices.tests.display')}
          </button>
          <button type="button" className="big" onClick={() => void test('drawer')} data-testid="open-drawer">
            {t('devices.tests.drawer')}
          </button>
        </div>
        {notice && (
          <p className="devices-notice" role="status" data-testid="devices-notice">
            {notice}
          </p>
        )}
      </div>

      <form
        className="devices-form"
        data-testid="device-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>
          {t('devices.form.title')}{' '}
          <button type="button" onClick={() => (setDraft(EMPTY), setFormErrors([]))} data-testid="device-new">
            {t('devices.form.new')}
          </button>
        </h2>
        {field('devices.form.id', 'id', 'device-id', { placeholder: 'scanner' })}
        {select('devices.form.role', 'role', 'device-role', ['scanner', 'printer', 'display', 'drawer', 'scale'], (o) => t(`devices.roles.${o}`))}
        {select('devices.form.transport', 'kind', 'device-transport', draft.role === 'scanner' ? ['serial', 'tcp', 'hid'] : ['serial', 'tcp'], (o) => t(`devices.form.${o}`))}
        {draft.kind === 'serial' && (
          <>
            {field('devices.form.path', 'path', 'device-path', { list: 'device-serial-ports', placeholder: '/dev/ttyUSB0' })}
            <datalist id="device-serial-ports">
              {ports?.ports.filter((p) => p.kind === 'serial').map((p) => <option key={p.path} value={p.path} />)}
            </datalist>
            <div className="devices-row">
              {select('devices.form.baud', 'baudRate', 'device-baud', BAUD_RATES)}
              {select('devices.form.dataBits', 'dataBits', 'device-data-bits', [8, 7])}
              {select('devices.form.parity', 'parity', 'device-parity', PARITIES)}
              {select('devices.form.stopBits', 'stopBits', 'device-stop-bits', [1, 2])}
            </div>
            {select('devices.form.flow', 'flow', 'device-flow', ['none', 'rtscts', 'xon'], (o) => t(`devices.form.flow${o === 'none' ? 'None' : o === 'rtscts' ? 'Rtscts' : 'Xon'}`))}
          </>
        )}
        {draft.kind === 'tcp' && (
          <div className="devices-row">
            {field('devices.form.host', 'host', 'device-host', { placeholder: '192.168.1.50' })}
            {field('devices.form.port', 'port', 'device-port')}
          </div>
        )}
        {draft.kind === 'hid' && (
          <>
            <div className="devices-row">
              {field('devices.form.vendorId', 'vendorId', 'device-vendor-id', { placeholder: '0c2e' })}
              {field('devices.form.productId', 'productId', 'device-product-id', { placeholder: '0b61' })}
            </div>
            {field('devices.form.serialNumber', 'serialNumber', 'device-serial-number')}
            {field('devices.form.hidPath', 'hidPath', 'device-hid-path')}
          </>
        )}
        {draft.role === 'scanner' && (
          <>
            {draft.kind !== 'hid' && select('devices.form.suffix', 'suffix', 'device-suffix', ['CR', 'LF', 'CRLF', 'TAB', 'none'])}
            <label className="check">
              <input type="checkbox" checked={draft.aimPrefix} onChange={(e) => set('aimPrefix', e.target.checked)} data-testid="device-aim" />
              {t('devices.form.aimPrefix')}
            </label>
            {select('devices.form.surface', 'scannerSurface', 'device-surface', ['', 'till', 'kiosk'], (o) => t(`devices.form.surface_${o || 'auto'}`))}
          </>
        )}
        {draft.role === 'printer' && (
          <>
            <div className="devices-row">
              {select('devices.form.columns', 'columns', 'device-columns', [48, 42, 32])}
              {field('devices.form.statusPollMs', 'statusPollMs', 'device-status-poll')}
            </div>
            <label className="check">
              <input type="checkbox" checked={draft.printerDrawer} onChange={(e) => set('printerDrawer', e.target.checked)} data-testid="device-printer-drawer" />
              {t('devices.form.printerDrawer')}
            </label>
            {draft.printerDrawer && select('devices.form.drawerPin', 'drawerPin', 'device-drawer-pin', [2, 5])}
          </>
        )}
        {draft.role === 'display' && (
          <div className="devices-row">
            {select('devices.form.protocol', 'protocol', 'device-protocol', ['led8', 'epson', 'cd5220'])}
            {field('devices.form.columns', 'displayColumns', 'device-display-columns')}
            {select('devices.form.encoding', 'encoding', 'device-encoding', ['ascii', 'gb18030'])}
          </div>
        )}
        {draft.role === 'scale' && (
          <>
            {select('devices.form.protocol', 'scaleProtocol', 'device-scale-protocol', ['toledo8217', 'xk3190'], (o) => t(`scale.protocols.${o}`))}
            {draft.scaleProtocol === 'xk3190' && field('devices.form.capacityKg', 'capacityKg', 'device-scale-capacity')}
            <p className="muted hint">{t(`scale.tech.lineHint.${draft.scaleProtocol === 'xk3190' ? 'xk3190' : 'toledo8217'}`)}</p>
          </>
        )}
        {draft.role === 'drawer' && (
          <>
            {field('devices.form.openBytes', 'openBytes', 'device-open-bytes')}
            <p className="muted hint">{t('devices.form.openBytesHint')}</p>
          </>
        )}
        {formErrors.length > 0 && (
          <div className="devices-problem" role="alert" data-testid="device-form-error">
            {t('devices.form.invalid')}
            <ul>
              {formErrors.map((e) => (
                <li key={`${e.path}:${e.text}`} data-path={e.path}>
                  {e.text}
                </li>
              ))}
            </ul>
          </div>
        )}
        <button type="submit" className="primary big" data-testid="device-save">
          {t('devices.form.save')}
        </button>
      </form>
    </section>
  );
}
