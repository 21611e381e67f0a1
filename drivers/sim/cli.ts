/**
 * `npm run devices:sim`: a scanner, a receipt printer and a customer display on virtual serial ports
 * (socat), for demos and for trying the terminal without hardware. It prints the `devices` block to put in
 * the terminal's config.json, then:
 *   - type a barcode or payment code and Enter: the scanner sends it (with CR);
 *   - `paper out` / `paper in`: the printer reports paper end (DLE EOT) or ready;
 *   - what the printer receives is decoded to text (GB18030 Chinese included) and shown here;
 *   - what the display shows is decoded and shown here;
 *   - with `--serial-drawer`, a cash drawer on its own serial line (instead of the printer's kick connector)
 *     says when it opens (it opens on any byte, like most serial drawers and trigger boxes);
 *   - a shop scale (`--scale toledo8217` or `--scale xk3190`, toledo8217 by default; `--scale none` for none):
 *     `weigh 0.512` puts 0.512 kg on the platter and holds it still, `moving` makes it move, `still` stops it,
 *     `mute` / `unmute` stop and restart its answers (./scale.ts).
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createDisplayDecoder, type DisplayProtocol } from '../display/decode';
import { decodeEscPos } from '../receipt/escpos-decode';
import { createPtyPair, killAllSocat, openPeer, type Peer } from './pty';
import { createScaleSimulator } from './scale';

const { values } = parseArgs({
  options: { display: { type: 'string', default: 'led8' }, 'serial-drawer': { type: 'boolean', default: false }, scale: { type: 'string', default: 'toledo8217' } },
  strict: true,
});
const scaleProtocol = values.scale as 'toledo8217' | 'xk3190' | 'none';
if (!['toledo8217', 'xk3190', 'none'].includes(scaleProtocol)) {
  process.stderr.write('--scale must be toledo8217, xk3190 or none\n');
  process.exit(2);
}
const serialDrawer = values['serial-drawer'];
const protocol = values.display as DisplayProtocol;
if (!['epson', 'cd5220', 'led8'].includes(protocol)) {
  process.stderr.write('--display must be epson, cd5220 or led8\n');
  process.exit(2);
}

const say = (text: string) => process.stdout.write(`${text}\n`);

/** Answers DLE EOT like an Epson printer and prints what it receives, a receipt at a time (after a pause). */
function printer(peer: Peer) {
  let paperOut = false;
  let answered = 0;
  let printedUpTo = 0;
  let idle: NodeJS.Timeout | null = null;
  const timer = setInterval(() => {
    const bytes = peer.received;
    for (; answered + 2 < bytes.length; answered++) {
      if (bytes[answered] === 0x10 && bytes[answered + 1] === 0x04) {
        const n = bytes[answered + 2];
        void peer.write(Uint8Array.of(!paperOut ? 0x12 : n === 4 ? 0x7e : n === 2 ? 0x32 : 0x12));
        answered += 2;
      }
    }
    if (bytes.length > printedUpTo && !idle) {
      idle = setTimeout(() => {
        idle = null;
        const job = peer.received.slice(printedUpTo);
        printedUpTo = peer.received.length;
        const decoded = decodeEscPos(job);
        const text = decoded.lines.map((l) => l.text).filter((l) => l.trim() !== '');
        if (!text.length && !decoded.commands.some((c) => c.type === 'drawerKick')) return; // status polls only
        say('┌─ printer ' + '─'.repeat(38));
        for (const line of text) say(`│ ${line}`);
        for (const qr of decoded.qr) say(`│ [QR] ${qr}`);
        if (decoded.commands.some((c) => c.type === 'cut')) say('│ ✂ cut');
        if (decoded.commands.some((c) => c.type === 'drawerKick')) say('│ ⏏ cash drawer kicked');
        say('└' + '─'.repeat(48));
      }, 300);
    }
  }, 20);
  return {
    setPaperOut(value: boolean) {
      paperOut = value;
      say(`printer: paper ${value ? 'OUT' : 'in'}`);
    },
    stop: () => clearInterval(timer),
  };
}

function display(peer: Peer) {
  const decoder = createDisplayDecoder(protocol);
  let seen = 0;
  let last = '';
  const timer = setInterval(() => {
    const bytes = peer.received;
    if (bytes.length === seen) return;
    decoder.push(bytes.slice(seen));
    seen = bytes.length;
    const view = JSON.stringify(decoder.view());
    if (view !== last) say(`display: ${(last = view)}`);
  }, 50);
  return { stop: () => clearInterval(timer) };
}

/** A drawer on its own serial line: any byte opens it. */
function drawer(peer: Peer) {
  let seen = 0;
  const timer = setInterval(() => {
    const bytes = peer.received;
    if (bytes.length === seen) return;
    const got = Array.from(bytes.slice(seen), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    seen = bytes.length;
    say(`⏏ cash drawer opened (received ${got})`);
  }, 50);
  return { stop: () => clearInterval(timer) };
}

async function main() {
  const [scannerPty, printerPty, displayPty] = await Promise.all([createPtyPair(), createPtyPair(), createPtyPair()]);
  const [scanner, printerPeer, displayPeer] = await Promise.all([openPeer(scannerPty.b), openPeer(printerPty.b), openPeer(displayPty.b, 2400)]);
  const printerSim = printer(printerPeer);
  const displaySim = display(displayPeer);
  const drawerPty = serialDrawer ? await createPtyPair() : null;
  const drawerPeer = drawerPty ? await openPeer(drawerPty.b) : null;
  const drawerSim = drawerPeer ? drawer(drawerPeer) : null;
  const scalePty = scaleProtocol !== 'none' ? await createPtyPair() : null;
  const scalePeer = scalePty ? await openPeer(scalePty.b) : null;
  const scaleSim = scalePeer && scaleProtocol !== 'none' ? createScaleSimulator(scalePeer, { protocol: scaleProtocol, onEvent: say }) : null;
  say('Simulated devices are ready. Assign them in the technician console (设备), or put this in the config.json of a');
  say('terminal that has no device configuration yet:');
  say(
    JSON.stringify({
      devices: [
        { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty.a, baudRate: 9600 }, suffix: 'CR' },
        { id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty.a, baudRate: 9600 }, columns: 48, ...(drawerPty ? {} : { drawer: { pin: 2 } }) },
        { id: 'display', role: 'display', transport: { kind: 'serial', path: displayPty.a, baudRate: 2400 }, protocol },
        ...(drawerPty ? [{ id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: drawerPty.a, baudRate: 9600 } }] : []),
        ...(scalePty
          ? [
              {
                id: 'scale',
                role: 'scale',
                protocol: scaleProtocol,
                transport: { kind: 'serial', path: scalePty.a, baudRate: 9600, ...(scaleProtocol === 'toledo8217' ? { dataBits: 7, parity: 'even' } : {}) },
              },
            ]
          : []),
      ],
    }),
  );
  say('Type a code and Enter to scan it; "paper out" / "paper in" for the printer; Ctrl+C to stop.');
  if (scaleSim) say('Scale: "weigh 0.512" (kg, held still), "moving", "still", "mute", "unmute".');

  const stop = async () => {
    printerSim.stop();
    displaySim.stop();
    drawerSim?.stop();
    scaleSim?.stop();
    await Promise.all([scanner.close(), printerPeer.close(), displayPeer.close(), drawerPeer?.close(), scalePeer?.close()]);
    await Promise.all([scannerPty.close(), printerPty.close(), displayPty.close(), drawerPty?.close(), scalePty?.close()]);
    await killAllSocat();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  createInterface({ input: process.stdin }).on('line', (line) => {
    const text = line.trim();
    if (text === 'paper out') printerSim.setPaperOut(true);
    else if (text === 'paper in') printerSim.setPaperOut(false);
    else if (scaleSim && /^weigh -?\d{1,3}(\.\d{1,3})?$/.test(text)) scaleSim.place(Math.round(Number(text.slice(6)) * 1000));
    else if (scaleSim && (text === 'moving' || text === 'still')) scaleSim.setMotion(text === 'moving');
    else if (scaleSim && (text === 'mute' || text === 'unmute')) scaleSim.setMute(text === 'mute');
    else if (/^[\x21-\x7e]{1,64}$/.test(text)) void scanner.write(new TextEncoder().encode(`${text}\r`)).then(() => say(`scanner: sent ${text}`));
    else if (text) say('Not a code: printable ASCII, up to 64 characters.');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n(socat is needed: apt-get install -y socat)\n`);
  void killAllSocat().finally(() => process.exit(1));
});
