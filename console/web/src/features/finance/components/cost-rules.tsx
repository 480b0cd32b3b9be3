import { useState } from 'react';
import { fill, useFormatInstant, useMessages } from '../../../lib/i18n';
import { useCostRulesAt, useCostRuleVersions } from '../api/who-pays';
import { financeMessages } from '../messages';
import { monthRange } from '../who-pays';

/**
 * The cost rules behind the reasons (who pays for misuse in warranty, goodwill after it): the
 * version in force at the month's end (or now, for the current month), and whether another took
 * effect during the month.
 */
export function CostRules({ month }: { month: string }) {
  const t = useMessages(financeMessages);
  const when = useFormatInstant();
  const [now] = useState(() => Date.now());
  const { from, to } = monthRange(month);
  const at = new Date(Math.min(Date.parse(to) - 1, now)).toISOString();
  const rules = useCostRulesAt(at);
  const versions = useCostRuleVersions();
  const version = rules.data?.status === 200 ? rules.data.body : null;
  const changedWithin = versions.data?.status === 200 && versions.data.body.items.some((v) => v.version > 1 && v.effectiveFrom >= from && v.effectiveFrom < to);
  const centre = (payer: 'factory' | 'sales-centre' | 'customer') => t[payer];
  const kind = (k: 'part' | 'labour' | 'travel') => (k === 'part' ? t.parts : k === 'labour' ? t.labourKind : t.travelKind);

  return (
    <section className="finance-rules" aria-labelledby="finance-rules-title" data-testid="finance-rules">
      <h3 id="finance-rules-title">{t.rulesTitle}</h3>
      {rules.data && !version && <p>{t.noRules}</p>}
      {version && (
        <>
          <dl>
            <dt>{t.misusePayer}</dt>
            <dd>{centre(version.body.misuseInWarrantyPayer)}</dd>
            <dt>{t.goodwill}</dt>
            <dd>
              {version.body.goodwill.length === 0 ? (
                t.noGoodwill
              ) : (
                <ul>
                  {version.body.goodwill.map((g) => (
                    <li key={g.id}>
                      {fill(t.goodwillRule, { id: g.id, payer: centre(g.payer), share: `${g.shareBasisPoints / 100}%`, kinds: g.kinds.map(kind).join(', '), days: g.withinDaysAfterWarrantyEnd })}
                      {g.qualityFailureOnly ? t.qualityOnly : ''}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
          <p className="finance-hint">{fill(t.rulesVersion, { version: version.version, by: version.changedBy, when: when(version.changedAt), reason: version.reason })}</p>
        </>
      )}
      {changedWithin && <p className="finance-warning">{t.rulesChanged}</p>}
    </section>
  );
}
