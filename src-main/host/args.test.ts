import { describe, expect, it } from 'vitest';
import { HostArgsError, parseHostArgs } from './args';

describe('the host command line', () => {
  it('reads the options it knows', () => {
    expect(parseHostArgs(['--port', '8080', '--data-dir', '/tmp/pos'])).toEqual({ port: 8080, dataDir: '/tmp/pos', demoCatalog: false });
  });

  it('refuses an unknown option or a bad value with a one-line reason and the usage, not a stack trace', () => {
    expect(() => parseHostArgs(['--help'])).toThrow(HostArgsError);
    expect(() => parseHostArgs(['--help'])).toThrow(/Unknown option '--help'[\s\S]*usage: host/);
    expect(() => parseHostArgs(['--port', 'eighty'])).toThrow(/--port[\s\S]*usage: host/);
  });
});
