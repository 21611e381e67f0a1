/**
 * One entry point from a protocol-independent DisplayMessage (messages.ts) to the bytes of the protocol the
 * technician picked. Displays are never probed: sending one protocol's commands to another kind of display
 * can do harm (`1B 73 01` lights an LED lamp but writes a CD5220's EEPROM), so the protocol always comes from
 * configuration.
 */
import * as cd5220 from './cd5220';
import type { DisplayProtocol } from './decode';
import * as epson from './epson-line';
import * as led8 from './led8';
import type { DisplayMessage } from './messages';
import { concatBytes, type DisplayEncoding } from './text';

export interface DisplayEncodeOptions {
  /** Cells per row of a text display (default 20; a CD5220 always has 20). */
  readonly columns?: number;
  /** Character set of a text display (default 'ascii'). */
  readonly encoding?: DisplayEncoding;
}

/** What to send when the port opens (and after each reconnect), before the first message. */
export function encodeDisplaySetup(protocol: DisplayProtocol): Uint8Array {
  switch (protocol) {
    case 'epson':
      return epson.encodeSetup();
    case 'cd5220':
      return cd5220.encodeInit();
    case 'led8':
      return concatBytes([led8.encodeInit(), led8.showNothing()]);
  }
}

/** The bytes that make a `protocol` display show `message`. */
export function encodeDisplayMessage(protocol: DisplayProtocol, message: DisplayMessage, options: DisplayEncodeOptions = {}): Uint8Array {
  switch (protocol) {
    case 'epson':
      return epson.encodeLines(message.lines, options);
    case 'cd5220':
      return cd5220.encodeLines(message.lines, options);
    case 'led8': {
      const { lamp, amount, exponent } = message.led;
      return lamp === null || amount === null ? led8.showNothing() : led8.showAmount(lamp, amount, exponent);
    }
  }
}
