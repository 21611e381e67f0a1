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

export function call<I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> {
  return spec;
}

export const NoInput = z.object({}).strict();
export const Staff = ['cashier', 'owner', 'technician'] as const;
export const Managers = ['owner', 'technician'] as const;
export const Owners = ['owner'] as const;
export const Technicians = ['technician'] as const;
