import { useMessages } from '../../../lib/i18n';
import type { Resource } from '../../../lib/api';
import type { RedFlagsAnswer } from '../api/audit';
import { flagsByCase } from '../evidence';
import { auditMessages } from '../messages';
import { CaseLink } from './case-record';

type Messages = (typeof auditMessages)['en'];

/** Every red flag in one list, one line per case it names, with the rule and why. */
export function RedFlags({ flags, onOpen }: { flags: Resource<RedFlagsAnswer>; onOpen: (id: string) => void }) {
  const t = useMessages(auditMessages);
  const answer = flags.data?.status === 200 ? flags.data.body : null;
  const lines = answer ? flagsByCase(answer.items) : [];
  const reason = (rule: string) => t[`rule.${rule}` as keyof Messages] ?? rule;
  return (
    <section aria-labelledby="audit-flags-title" className="audit-card">
      <h3 id="audit-flags-title">{t.flags}</h3>
      <p className="audit-about">{t.flagsAbout}</p>
      {flags.data && flags.data.status !== 200 && <p role="alert" className="audit-problem">{t.refused} {flags.data.status} {flags.data.body.error?.message}</p>}
      {answer && lines.length === 0 && <p>{t.noFlags}</p>}
      {lines.length > 0 && (
        <table className="audit-table" data-testid="red-flags">
          <thead>
            <tr><th scope="col">{t.case}</th><th scope="col">{t.reason}</th><th scope="col">{t.subject}</th><th scope="col">{t.detail}</th></tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <tr key={`${l.rule}-${l.caseId}-${l.detail}`} data-case={l.caseId} data-rule={l.rule}>
                <th scope="row"><CaseLink id={l.caseId} onOpen={onOpen} /></th>
                <td data-testid="flag-reason">{reason(l.rule)}</td>
                <td>{l.subject}</td>
                <td data-testid="flag-detail">{l.detail}{l.others.length > 0 && <> ({t.withCases} {l.others.map((id, i) => <span key={id}>{i > 0 && ', '}<CaseLink id={id} onOpen={onOpen} /></span>)})</>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
