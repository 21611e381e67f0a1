/**
 * The sandboxed preload, bundled whole. It exposes exactly two functions: an allow-listed `invoke`
 * and a wrapped `subscribe` that never hands the page an IpcRendererEvent (checklist #20).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { isCallName, isEventName } from '../../src-common/contract';
import type { PosTransport } from '../../src-common/client';
import { IPC_EVENT, IPC_INVOKE } from './channels';

const transport: PosTransport = {
  invoke(call, input) {
    if (!isCallName(call)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_call', message: `There is no call named ${String(call)}` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE, call, input);
  },
  subscribe(event, listener) {
    if (!isEventName(event)) throw new Error(`There is no event named ${String(event)}`);
    const relay = (_event: unknown, message: { name: string; payload: unknown }) => {
      if (message.name === event) listener(message.payload);
    };
    ipcRenderer.on(IPC_EVENT, relay);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, relay);
    };
  },
};

contextBridge.exposeInMainWorld('pos', transport);
