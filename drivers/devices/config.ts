/**
 * Where a device is attached and how it speaks. The schema lives in the API contract
 * (src-common/calls/devices.ts) because the technician console edits it; the technician picks everything,
 * nothing is probed (display protocols collide).
 */
export {
  DEFAULT_DRAWER_OPEN_BYTES,
  DeviceConfig,
  DevicesConfig,
  ScannerTransportConfig,
  TransportConfig,
  type DeviceRole,
} from '../../src-common/calls/devices';
