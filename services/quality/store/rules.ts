import { managedRecords, type HeadDoc, type Platform, type VersionDoc } from '@aftersales/platform';
import { checkEightDRules, checkRecurrenceRule, shippedEightDRules, shippedRecurrenceRules, type EightDRules } from '../domain/managed-rules';
import type { RecurrenceThresholds, RecurrenceThresholdTable } from '../domain/recurrence';

/**
 * Quality's rules as managed versions: recurrence thresholds (`default` and per product line) and
 * the 8D terms (due hours per discipline, the escalation chain). A failure record is judged by the
 * thresholds in force when it is checked; an 8D opens with the terms in force then and keeps them.
 */
export function createQualityRules(platform: Platform) {
  const db = platform.mongo.db!;
  const recurrence = managedRecords<Partial<RecurrenceThresholds>>(
    { what: 'recurrence rule', heads: db.collection<HeadDoc>('recurrenceRules'), versions: db.collection<VersionDoc<Partial<RecurrenceThresholds>>>('recurrenceRuleVersions'), check: checkRecurrenceRule },
    platform.now,
  );
  const eightD = managedRecords<EightDRules>(
    { what: '8D rules', heads: db.collection<HeadDoc>('eightDRules'), versions: db.collection<VersionDoc<EightDRules>>('eightDRuleVersions'), check: checkEightDRules },
    platform.now,
  );

  return {
    recurrence,
    eightD,
    async seed(at: Date): Promise<void> {
      await recurrence.seed(shippedRecurrenceRules, at);
      await eightD.seed(shippedEightDRules, at);
    },
    /** The threshold table in force at an instant (the records are few: a default and some product lines). */
    async thresholdsAt(at: Date): Promise<RecurrenceThresholdTable> {
      const heads = await recurrence.list();
      const versions = await Promise.all(heads.map((h) => recurrence.inForce(h._id, at)));
      const byProductLine: Record<string, Partial<RecurrenceThresholds>> = {};
      let fallback = shippedRecurrenceRules.default as RecurrenceThresholds;
      for (const v of versions) {
        if (!v) continue;
        if (v.id === 'default') fallback = v.body as RecurrenceThresholds;
        else byProductLine[v.id] = v.body;
      }
      return { default: fallback, byProductLine };
    },
    /** The 8D terms in force at an instant: a product line's own record, else `default`. */
    async eightDRulesAt(productLine: string, at: Date): Promise<EightDRules> {
      const own = (await eightD.head(productLine)) ? await eightD.inForce(productLine, at) : null;
      return (own ?? (await eightD.inForce('default', at)))?.body ?? shippedEightDRules.default!;
    },
  };
}

export type QualityRules = ReturnType<typeof createQualityRules>;
