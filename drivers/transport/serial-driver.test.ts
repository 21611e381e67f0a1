import { describe, expect, it, vi } from 'vitest';

describe('a serial port when the serial driver cannot be loaded', () => {
  it('is refused with the port and the reason, and the next open tries the driver again', async () => {
    let loads = 0;
    vi.doMock('./serialport', () => ({
      loadSerialPort: () => {
        loads += 1;
        return Promise.reject(new Error('No native build was found for platform=linux'));
      },
    }));
    const { createSerialTransport } = await import('./serial');
    const transport = createSerialTransport({ path: '/dev/ttyUSB9', baudRate: 9600 });
    await expect(transport.open()).rejects.toThrow(
      'serial:/dev/ttyUSB9 could not be opened: cannot open /dev/ttyUSB9: the serial driver (serialport) could not be loaded: No native build was found for platform=linux',
    );
    expect(transport.state).toBe('error');
    await expect(transport.open()).rejects.toThrow(/could not be loaded/);
    expect(loads).toBe(2);
    await transport.close();
    vi.doUnmock('./serialport');
  });
});
