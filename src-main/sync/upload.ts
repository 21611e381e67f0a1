/**
 * Sends the facts waiting on the till, oldest first, in batches under the current stream; marks acknowledged what
 * the server says it holds. A server that holds more of this stream than the till has sent (or says the stream
 * diverged) means the till was restored from a backup: a new stream starts just below the first fact still
 * waiting and every waiting fact goes again (the server stores each fact id once).
 */
import type { Database } from 'better-sqlite3';
import { MAX_BATCH_BYTES, MAX_FACTS_PER_BATCH, type Fact } from '../../src-common/sync-protocol';
import type { Logger } from '../log';
import { SyncServerError, type SyncClient } from './client';
import { buildFact, unackedFacts } from './facts';
import { ackThrough, highestSeq, readLink, setAlert, startStream, streamBaseNow, unackAfter } from './link';

export interface UploadOutcome {
  sent: number;
  acked: number;
  batches: number;
  newStreams: number;
  /** Times the server was found to lack facts it had acknowledged (they were reopened and sent again). */
  rewinds: number;
  /** Nothing left waiting (or what is left cannot be sent: see `alert`). */
  caughtUp: boolean;
  alert: string | null;
}

/** Room kept in a batch's byte budget for the envelope. */
const ENVELOPE_BYTES = 256;
const MAX_NEW_STREAMS_PER_RUN = 2;
const MAX_REWINDS_PER_RUN = 2;

export async function uploadWaitingFacts(deps: {
  db: Database;
  client: SyncClient;
  terminalId: string;
  log: Logger;
  newStreamId: () => string;
  /** The till's clock (ms): the age of the oldest waiting fact, told to the server. */
  now: () => number;
  maxFacts?: number;
}): Promise<UploadOutcome> {
  const { db, client, log } = deps;
  const out: UploadOutcome = { sent: 0, acked: 0, batches: 0, newStreams: 0, rewinds: 0, caughtUp: false, alert: null };
  for (;;) {
    const link = readLink(db);
    if (!link) return { ...out, caughtUp: true };
    const rows = unackedFacts(db, 0, Math.min(deps.maxFacts ?? MAX_FACTS_PER_BATCH, MAX_FACTS_PER_BATCH));
    if (rows.length === 0) {
      if (link.alert?.startsWith('gap')) setAlert(db, null);
      return { ...out, caughtUp: true };
    }
    const facts: Fact[] = [];
    const bodies: string[] = [];
    let bytes = ENVELOPE_BYTES + link.stream_id.length;
    let invalid: string | null = null;
    for (const row of rows) {
      const built = buildFact(db, row, row.seq - link.stream_base, deps.terminalId);
      if (!built.ok) {
        invalid = `fact_invalid: seq ${built.seq} (${built.kind} ${built.refId}): ${built.reason}`;
        break;
      }
      const json = JSON.stringify(built.fact);
      const size = Buffer.byteLength(json) + 1;
      if (bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      facts.push(built.fact);
      bodies.push(json);
    }
    if (facts.length === 0) {
      // Never skipped: the upload stops here until the row is repaired, and the technician sees why.
      const alert = invalid ?? 'fact_too_large: a single fact is larger than a batch may be';
      if (link.alert !== alert) log.error({ alert }, 'a fact cannot be uploaded');
      setAlert(db, alert);
      return { ...out, alert };
    }
    const firstWire = facts[0]!.seq;
    const lastWire = facts.at(-1)!.seq;
    // What waits here, for the server's list of terminals: the highest seq of this stream, and the first fact's age.
    const waiting = { highestSeq: highestSeq(db) - link.stream_base, oldestAgeMs: Math.max(0, Math.round(deps.now() - Date.parse(rows[0]!.recorded_at))) };
    const body = `{"stream":${JSON.stringify(link.stream_id)},"waiting":${JSON.stringify(waiting)},"facts":[${bodies.join(',')}]}`;
    let ackedSeq: number;
    try {
      ackedSeq = (await client.upload({ stream: link.stream_id, facts, waiting }, body)).ackedSeq;
    } catch (error) {
      if (error instanceof SyncServerError && error.code === 'stream_diverged' && out.newStreams < MAX_NEW_STREAMS_PER_RUN) {
        restart('the server holds other facts at these numbers');
        continue;
      }
      throw error;
    }
    out.batches += 1;
    out.sent += facts.length;
    if (ackedSeq > lastWire) {
      // The server holds numbers this till has not sent in this run's order: its sequence went back.
      if (out.newStreams >= MAX_NEW_STREAMS_PER_RUN) throw new Error(`The server acknowledges seq ${ackedSeq} of stream ${link.stream_id}, beyond the ${lastWire} sent`);
      restart(`the server acknowledged ${ackedSeq}, beyond the ${lastWire} sent`);
      continue;
    }
    if (ackedSeq < firstWire - 1 && out.rewinds < MAX_REWINDS_PER_RUN) {
      // The server lacks facts this till holds as acknowledged (its database was restored): they were never
      // dropped here, so they go again.
      out.rewinds += 1;
      const reopened = db.transaction(() => unackAfter(db, link.stream_base + ackedSeq))();
      log.warn({ stream: link.stream_id, ackedSeq, firstWire, reopened }, 'the store server lost acknowledged facts of this till: sending them again');
      continue;
    }
    out.acked += db.transaction(() => ackThrough(db, link.stream_base + ackedSeq))();
    if (ackedSeq < lastWire) {
      // The server lacks an earlier fact of this stream; the next run sends from the first unacknowledged again.
      const alert = `gap: the server holds seq ${ackedSeq} of stream ${link.stream_id}; ${firstWire}–${lastWire} were sent`;
      log.warn({ stream: link.stream_id, ackedSeq, firstWire, lastWire }, 'the store server holds a gap in this till’s facts');
      setAlert(db, alert);
      return { ...out, alert };
    }
    if (link.alert?.startsWith('gap')) setAlert(db, null);
  }

  function restart(why: string) {
    const streamId = deps.newStreamId();
    const base = streamBaseNow(db);
    startStream(db, streamId, base);
    out.newStreams += 1;
    log.warn({ streamId, base, why }, 'this till was restored from a backup or its stream diverged: a new upload stream resends every waiting fact');
  }
}
