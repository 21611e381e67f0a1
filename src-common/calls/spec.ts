/** What a call is, and the access lists most calls use. Each area declares its calls in its own module here. */
import { z } from 'zod';
import type { Access } from '../roles';

export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly access: Access;
  /** One line for the technician console and the generated API listing. */
  readonly summary: string;
}

/** A call as its area declares it: the schemas are built when the call is first made, not when the contract loads. */
export interface CallDeclaration<I extends z.ZodType, O extends z.ZodType> {
  readonly input: () => I;
  readonly output: () => O;
  readonly access: Access;
  readonly summary: string;
}

/**
 * Building zod schemas is slow (zod 4 makes each a class instance with its checks compiled): building the ~170
 * calls' schemas when the contract loaded was ~50 ms of a till's start on a full core, four times that on a quarter
 * of one. Each is built when its call is first made, once, and kept.
 */
export function call<I extends z.ZodType, O extends z.ZodType>(declaration: CallDeclaration<I, O>): CallSpec<I, O> {
  let input: I | undefined;
  let output: O | undefined;
  return {
    get input() {
      return (input ??= declaration.input());
    },
    get output() {
      return (output ??= declaration.output());
    },
    access: declaration.access,
    summary: declaration.summary,
  };
}

export const NoInput = z.object({}).strict();
export const Staff = ['cashier', 'owner', 'technician'] as const;
export const Managers = ['owner', 'technician'] as const;
export const Owners = ['owner'] as const;
export const Technicians = ['technician'] as const;
