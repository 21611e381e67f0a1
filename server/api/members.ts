/**
 * Members of a store, projected from the tills' facts (issue 16): `member` (made at a till), `member_anonymised`, and
 * each till's sum of `member_points` entries. All in the upload's transaction, under one new store version, so
 * every other till pulls the member and the balance change.
 *
 * One person, one phone: members two tills made with the same phone while apart are merged. The one made first
 * (then the lower id) is the store's; the others keep their ids (sales and ledgers name them) and point at it
 * (`merged_into`); their points add up. Tills do the same by phone (src-main/sync/pull.ts).
 */
import type pg from 'pg';
import { bumpStoreVersion } from './projections';

export interface MemberChanges {
  /** Ids of newly stored facts of kind member or member_anonymised. */
  factIds: readonly string[];
  /** Newly stored points, summed per member and till. */
  points: readonly { memberId: string; terminalId: string; delta: number }[];
}

export async function applyMembers(tx: pg.ClientBase, storeId: string, changes: MemberChanges): Promise<void> {
  if (changes.factIds.length === 0 && changes.points.length === 0) return;
  const version = await bumpStoreVersion(tx, storeId);
  if (changes.factIds.length > 0) {
    const created = await tx.query<{ phone: string | null }>(
      `INSERT INTO member (store_id, member_id, phone, name, code, created_at, created_by_terminal, anonymised_at, version)
       SELECT f.store_id, p."memberId", p.phone, p.name, p.code, p."createdAt", f.terminal_id, p."anonymisedAt", $3
         FROM fact f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("memberId" text, phone text, name text, code text, "createdAt" timestamptz, "anonymisedAt" timestamptz)
        WHERE f.store_id = $1 AND f.fact_id = ANY($2::text[]) AND f.kind = 'member'
       ON CONFLICT (store_id, member_id) DO NOTHING
       RETURNING phone`,
      [storeId, changes.factIds, version],
    );
    // Anonymising one member anonymises every member of that phone: the person asked, whichever till they asked at.
    await tx.query(
      `WITH asked AS (
         SELECT m.phone, min(p.at) AS at FROM fact f CROSS JOIN LATERAL jsonb_to_record(f.payload) AS p("memberId" text, at timestamptz)
           JOIN member m ON m.store_id = f.store_id AND m.member_id = p."memberId"
          WHERE f.store_id = $1 AND f.fact_id = ANY($2::text[]) AND f.kind = 'member_anonymised' AND m.phone IS NOT NULL
          GROUP BY m.phone)
       UPDATE member m SET phone = NULL, name = NULL, anonymised_at = asked.at, version = $3
         FROM asked WHERE m.store_id = $1 AND m.phone = asked.phone`,
      [storeId, changes.factIds, version],
    );
    const phones = [...new Set(created.rows.flatMap((r) => (r.phone === null ? [] : [r.phone])))];
    if (phones.length > 0) {
      await tx.query(
        `WITH first AS (
           SELECT DISTINCT ON (phone) phone, member_id FROM member WHERE store_id = $1 AND phone = ANY($2::text[]) ORDER BY phone, created_at, member_id)
         UPDATE member m SET merged_into = nullif(first.member_id, m.member_id), version = $3
           FROM first WHERE m.store_id = $1 AND m.phone = first.phone AND m.merged_into IS DISTINCT FROM nullif(first.member_id, m.member_id)`,
        [storeId, phones, version],
      );
    }
  }
  if (changes.points.length > 0) {
    await tx.query(
      `INSERT INTO member_points_total (store_id, member_id, terminal_id, points, version)
       SELECT $1, t.member_id, t.terminal_id, t.delta, $2 FROM unnest($3::text[], $4::text[], $5::bigint[]) AS t(member_id, terminal_id, delta)
       ON CONFLICT (store_id, member_id, terminal_id) DO UPDATE SET points = member_points_total.points + EXCLUDED.points, version = EXCLUDED.version`,
      [storeId, version, changes.points.map((p) => p.memberId), changes.points.map((p) => p.terminalId), changes.points.map((p) => p.delta)],
    );
  }
}
