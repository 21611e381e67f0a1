/**
 * serialport, loaded when the first serial port is opened or listed, not with the till. Loading it requires its
 * native binding's loader (@serialport/bindings-cpp: 14 modules, node-gyp-build, debug, and the addon itself),
 * ~30 ms of every start on a full core, four times that on a quarter of one, and many tills open no serial port (a
 * network printer and a HID scanner).
 */
import type * as SerialPortModule from 'serialport';

let loading: Promise<typeof SerialPortModule> | undefined;

export function loadSerialPort(): Promise<typeof SerialPortModule> {
  // A failed load (a missing binding) is not kept: the next open tries again and says why again.
  return (loading ??= import('serialport').catch((error: unknown) => {
    loading = undefined;
    throw error;
  }));
}
