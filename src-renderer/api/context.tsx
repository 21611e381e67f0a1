import { createContext, useContext, useSyncExternalStore } from 'react';
import type { PosClient } from '../../src-common/client';
import type { Connection } from './connect';
import type { ConnectionState } from './websocket-transport';

const ConnectionContext = createContext<Connection | null>(null);
export const ConnectionProvider = ConnectionContext.Provider;

export function usePos(): PosClient {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('usePos outside ConnectionProvider');
  return connection.client;
}

export function useConnectionState(): ConnectionState {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnectionState outside ConnectionProvider');
  return useSyncExternalStore(connection.onState, connection.state);
}
