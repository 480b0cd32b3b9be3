import { disciplineTitles, eightDDisciplines, type DisciplineContent, type EightDState } from '@aftersales/workflows';
import { problemKeyOf, type EightDDoc, type FailureRecordDoc, type QualityModels } from './models';
import { bulkWriteInChunks } from '@aftersales/platform';
import { eightDBoardOf } from './eight-d-board';
import { createEightDRecords } from './eight-d-records';
import { failureRecordListsOf } from './failure-record-lists';
import { recurrenceHitListsOf } from './recurrence-hit-lists';
import type { ProblemHistories } from './problem-histories';

export async function loadDemoData(models: QualityModels, histories: ProblemHistories): Promise<void> {
  const articles = [
    {
      _id: 'KB-0001',
      version: 1,
      title: 'Burr on the cut edge after nozzle change',
      models: ['FL-3015', 'FL-4020'],
      symptom: 'burr dross on cut edge, poor cut quality after nozzle change',
      cause: 'Nozzle not centred on the beam',
      fix: 'Run the nozzle centring routine; replace the nozzle if the bore is damaged',
      parts: ['P-NOZZLE-15'],
      publishedAt: new Date('2026-03-02T00:00:00Z'),
    },
  ];
  await bulkWriteInChunks(models.articles, articles.map((a) => ({ updateOne: { filter: { _id: a._id }, update: { $setOnInsert: a }, upsert: true } })));
  // Which cutting model is newer: the newer-model recurrence rule compares these.
  const generations = [
    { _id: 'FL-3015', productLine: 'fiber-laser-cutting', generation: 1 },
    { _id: 'FL-4020', productLine: 'fiber-laser-cutting', generation: 2 },
  ];
  await bulkWriteInChunks(models.modelGenerations, generations.map((g) => ({ updateOne: { filter: { _id: g._id }, update: { $setOnInsert: g }, upsert: true } })));
  await loadDemoEightD(models, histories);
}

const dayMs = 86_400_000;

/**
 * One 8D walked to closure two months ago, with the three failure records that opened it and its
 * recurrence hit, so the console's 8D board, lists and customer report show something real. It is
 * closed, so no workflow runs it: quality answers from this recorded copy.
 */
async function loadDemoEightD(models: QualityModels, histories: ProblemHistories): Promise<void> {
  const problem = { productLine: 'fiber-laser-cutting', model: 'FL-3015', failureMode: 'FM-BURR' };
  const id = '8D-FL-3015-BURR-1';
  const opened = Date.now() - 90 * dayMs;
  const at = (days: number) => new Date(opened + days * dayMs).toISOString();
  const records: FailureRecordDoc[] = [0, 1, 2].map((i) => ({
    _id: `FR-SR-DEMO-BURR-${i + 1}`, requestId: `SR-DEMO-BURR-${i + 1}`, model: problem.model, productLine: problem.productLine, partNumber: 'P-NOZZLE-15', failureMode: problem.failureMode,
    failureModeSource: 'given', cause: 'Nozzle not centred on the beam', fix: 'Nozzle centred', occurredAt: at(i * 3 - 10), customerId: 'CUST-0001', serialNumber: 'SN-0001', tier: 'P2',
    safety: false, formalReportDemanded: false, lot: null, supplierId: null, finding: null, sources: ['work-order'], eightDId: id, receivedAt: new Date(at(i * 3 - 10)),
  }));
  const team = [{ id: 'qe-on-duty', name: 'Quality engineer on duty', role: 'quality engineer' }, { id: 'de-chen', name: 'Chen Jie', role: 'design engineer' }];
  const contents: DisciplineContent[] = [
    { discipline: 'D0', actions: 'Customers told to run the nozzle centring routine after every nozzle change' },
    { discipline: 'D1', members: [team[1]!], owners: { D4: 'de-chen', D5: 'de-chen' } },
    { discipline: 'D2', statement: 'Burr on the cut edge of FL-3015 after a nozzle change', what: 'dross and burr on the lower edge', where: 'Shanghai and Suzhou sites', when: 'first cuts after a nozzle change', howMany: '3 machines', isNot: 'not on FL-4020' },
    { discipline: 'D3', actions: 'Engineers centre the nozzle at every visit', flags: [] },
    { discipline: 'D4', rootCause: 'The nozzle seat lets the nozzle sit off-centre', fiveWhys: ['Burr on the edge', 'Gas flow off-axis', 'Nozzle off-centre', 'Seat tolerance too wide'], fishbone: { method: ['no centring after change'], material: ['seat tolerance'] }, escapePoint: 'Final test cuts with a new nozzle only' },
    { discipline: 'D5', actions: [{ action: 'Tighter nozzle seat tolerance', owner: 'de-chen', dueAt: at(50) }] },
    { discipline: 'D6', implemented: 'New seat fitted in production and at visits', validation: '200 nozzle changes without burr', effective: true },
    { discipline: 'D7', standards: ['Service manual: centring after every nozzle change'], designRules: ['Nozzle seat tolerance ±0.02 mm'], otherModels: ['FL-4020'], flags: [] },
    { discipline: 'D8', summary: 'No burr reported since the new seat', recognition: 'Design and field service teams' },
  ];
  const state: EightDState = {
    eightDId: id, problem, rule: 'same-model-repeat', reason: '3 failures FM-BURR on FL-3015 within 90 days', linkedTo: null, failureRecordIds: records.map((r) => r._id), openedAt: at(0),
    status: 'closed', closedAt: at(60), champion: 'qe-on-duty', team,
    disciplines: eightDDisciplines.map((d, i) => ({
      discipline: d, title: disciplineTitles[d], owner: d === 'D4' || d === 'D5' ? 'de-chen' : 'qe-on-duty', dueAt: at(i * 7 + 3), status: 'approved', openedAt: at(i * 7), content: contents[i]!,
      submittedBy: d === 'D4' || d === 'D5' ? 'de-chen' : 'qe-on-duty', submittedAt: at(i * 7 + 2), approvedBy: 'qm-guo', approvedAt: at(i * 7 + 2.5), returns: [], escalations: [],
    })),
    flags: [], escalationChain: [{ to: 'quality-engineering-lead', afterHours: 0 }], dueHours: { D0: 24, D1: 48, D2: 72, D3: 24, D4: 336, D5: 336, D6: 720, D7: 336, D8: 168 }, eventSeq: 0, revision: 1,
  };
  const doc: EightDDoc = { _id: id, status: 'closed', problem, problemKey: problemKeyOf(problem), rules: ['same-model-repeat'], reason: state.reason, linkedTo: null, openedAt: new Date(at(0)), closedAt: new Date(at(60)), revision: 1, state };
  // Listed under the 8D before the records name it, as every attach does.
  await createEightDRecords(models, () => new Date()).listAll(id, records.map((r) => r._id));
  // Listed before they are stored, as every record is; once, not again at each start.
  const stored = await Promise.all(records.map((r) => models.failureRecords.findById(r._id, { _id: 1 }).lean()));
  for (const [i, r] of records.entries()) if (!stored[i]) await failureRecordListsOf(models).listed(r._id, r.model);
  await bulkWriteInChunks(models.failureRecords, records.map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $setOnInsert: r }, upsert: true } })));
  await models.eightDs.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
  // On the board (again at each start: the board keeps the revision it has).
  await eightDBoardOf(models).record(doc, doc.revision);
  await histories.noteEightD(id, problem);
  for (const r of records) await histories.noteRecord(r._id);
  const hit = { rules: ['same-model-repeat' as const], recordIds: records.map((r) => r._id), linkedEightDIds: [], outcome: 'opened' as const, eightDId: id };
  if (!(await models.recurrences.findById(records[2]!._id, { _id: 1 }).lean())) await recurrenceHitListsOf(models).listed({ _id: records[2]!._id, model: problem.model, hits: [hit] });
  await models.recurrences.updateOne({ _id: records[2]!._id }, { $setOnInsert: { failureRecordId: records[2]!._id, status: 'done', checkedAt: new Date(at(0)), ...problem, hits: [hit] } }, { upsert: true });
}
