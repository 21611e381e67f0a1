export const IPC_INVOKE = 'pos:invoke';
export const IPC_EVENT = 'pos:event';
