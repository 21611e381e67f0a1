/** Linux threads as /proc shows them: the scheduling facts the priority tests check. */
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of a thread's stat after its name: index 16 is its nice value, 38 its policy (0 normal, 5 SCHED_IDLE). */
function statOf(pid: number | 'self', tid: string | number): string[] {
  return readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

export const threadIds = (pid: number | 'self'): string[] => readdirSync(`/proc/${pid}/task`);
export const niceOf = (pid: number | 'self', tid: string | number): number => Number(statOf(pid, tid)[16]);
export const policyOf = (pid: number | 'self', tid: string | number): number => Number(statOf(pid, tid)[38]);

/** May process `pid` lower a nice value to `nice`: CAP_SYS_NICE (capability 23), or RLIMIT_NICE's soft limit (down to 20 - it). */
export function mayRaiseNiceTo(pid: number | 'self', nice: number): boolean {
  const capabilities = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]}`);
  const rlimit = Number(/Max nice priority\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))![1]);
  return (capabilities & (1n << 23n)) !== 0n || 20 - rlimit <= nice;
}
