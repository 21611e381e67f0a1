import { createPosClient, type PosClient, type PosTransport } from '../../src-common/client';
import { formatHash, parseHash } from '../route';
import { WebSocketTransport, type ConnectionState } from './websocket-transport';

declare global {
  interface Window {
    /** Present in Electron: the preload's allow-listed bridge. */
    readonly pos?: PosTransport;
  }
}

export interface Connection {
  readonly client: PosClient;
  readonly state: () => ConnectionState;
  readonly onState: (listener: (state: ConnectionState) => void) => () => void;
}

const TOKEN_KEY = 'pos.token';

/**
 * In Electron the preload's bridge is the transport. In browser mode the host opened this page with
 * `#token=…`: keep the token for this tab only and take it out of the address bar.
 */
export function connect(): Connection {
  if (window.pos) {
    return { client: createPosClient(window.pos), state: () => 'online', onState: () => () => undefined };
  }
  const route = parseHash(location.hash);
  const fromHash = route.params.get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    route.params.delete('token');
    history.replaceState(null, '', `${location.pathname}${formatHash(route)}`);
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const transport = new WebSocketTransport(`ws://${location.host}/api?token=${encodeURIComponent(token)}`);
  return {
    client: createPosClient(transport),
    state: () => transport.connectionState,
    onState: (listener) => transport.onConnectionState(listener),
  };
}
