import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'intro' | 'month' | 'previous' | 'next' | 'thisMonth' | 'currency' | 'noCurrency' | 'loading' | 'truncated' | 'failed'
  | 'factory' | 'sales-centre' | 'customer' | 'all' | 'total' | 'factoryHint' | 'salesHint' | 'customerHint'
  | 'overviewCaption' | 'monthCol' | 'cases' | 'oneCase' | 'lines' | 'oneLine' | 'linesCol' | 'parts' | 'labourKind' | 'travelKind' | 'chosenCell' | 'caseCol' | 'booked' | 'amount' | 'showLines' | 'hideLines' | 'noCases'
  | 'linesOf' | 'line' | 'costCentre' | 'payer' | 'reason' | 'part' | 'labour' | 'travel' | 'other' | 'analysis' | 'review' | 'correction'
  | 'rulesTitle' | 'misusePayer' | 'goodwill' | 'goodwillRule' | 'qualityOnly' | 'noGoodwill' | 'rulesVersion' | 'rulesChanged' | 'noRules';

export const financeMessages: Catalogue<Key> = {
  en: {
    title: 'Who pays',
    intro: 'What each cost centre pays for the parts, labour and travel of closed cases, by the month spares booked it (UTC). A correction after failure analysis or a review is booked in its own month.',
    month: 'Month', previous: 'Previous month', next: 'Next month', thisMonth: 'This month', currency: 'Currency', noCurrency: 'currency unknown (spares has no default price list)',
    loading: 'Loading…', truncated: 'Spares listed its maximum of {n} entries for this cell: some cases are not shown. The amounts above count every entry.', failed: 'Could not read the cost allocation',
    factory: 'Factory', 'sales-centre': 'Sales centre', customer: 'Customer', all: 'All cost centres', total: 'Total',
    factoryHint: 'quality failures under warranty or contract; goodwill after warranty',
    salesHint: 'covered but not a quality failure; misuse goodwill by the cost rules',
    customerHint: 'out of cover, not covered, excluded, consumables, misuse',
    overviewCaption: 'Totals per month and cost centre. Choose an amount to see its cases.',
    monthCol: 'Month', cases: 'cases', oneCase: 'case', lines: 'lines', oneLine: 'line', linesCol: 'Lines', parts: 'parts', labourKind: 'labour', travelKind: 'travel', chosenCell: '{centre}, {month}', caseCol: 'Case', booked: 'Booked', amount: 'Amount',
    showLines: 'Show the lines of {case}', hideLines: 'Hide the lines of {case}', noCases: 'Nothing booked here.',
    linesOf: 'Lines of {case}', line: 'Line', costCentre: 'Cost centre', payer: 'Payer', reason: 'Reason',
    part: 'Part', labour: 'Labour', travel: 'Travel', other: 'Other', analysis: 'correction after failure analysis', review: 'correction after review', correction: 'correction',
    rulesTitle: 'Cost rules in force at the end of the month', misusePayer: 'Misuse in warranty is paid by', goodwill: 'Goodwill after warranty end',
    goodwillRule: '{id}: {payer} pays {share} of {kinds} within {days} days', qualityOnly: ' (quality failures only)', noGoodwill: 'none',
    rulesVersion: 'Version {version}, stored {when} by {by}: {reason}', rulesChanged: 'The rules changed during this month: each case was split by the version in force when it closed.',
    noRules: 'No cost rules in force then.',
  },
  zh: {
    title: '费用归属',
    intro: '已关闭案件的备件、工时和差旅费用由各成本中心承担的金额，按备件服务记账的月份（UTC）汇总。故障分析或复核后的更正记在其发生的月份。',
    month: '月份', previous: '上个月', next: '下个月', thisMonth: '本月', currency: '币种', noCurrency: '币种未知（备件服务没有默认价目表）',
    loading: '加载中…', truncated: '备件服务为此单元格列出了上限 {n} 条记录：部分案件未显示。上方金额已计入全部记录。', failed: '无法读取费用分摊',
    factory: '工厂', 'sales-centre': '销售中心', customer: '客户', all: '全部成本中心', total: '合计',
    factoryHint: '保修或合同内的质量故障；保修期后的商誉补偿',
    salesHint: '在保但非质量故障；按费用规则的误用商誉补偿',
    customerHint: '不在保、不承保、除外、耗材、误用',
    overviewCaption: '按月份和成本中心的合计。选择金额查看其案件。',
    monthCol: '月份', cases: '个案件', oneCase: '个案件', lines: '行', oneLine: '行', linesCol: '行数', parts: '备件', labourKind: '工时', travelKind: '差旅', chosenCell: '{centre}，{month}', caseCol: '案件', booked: '记账时间', amount: '金额',
    showLines: '显示 {case} 的明细', hideLines: '隐藏 {case} 的明细', noCases: '此处没有记账。',
    linesOf: '{case} 的明细', line: '明细', costCentre: '成本中心', payer: '付款方', reason: '原因',
    part: '备件', labour: '工时', travel: '差旅', other: '其他', analysis: '故障分析后的更正', review: '复核后的更正', correction: '更正',
    rulesTitle: '月末生效的费用规则', misusePayer: '保修期内误用的费用由谁承担', goodwill: '保修期结束后的商誉补偿',
    goodwillRule: '{id}：保修结束后 {days} 天内，{payer}承担{kinds}的 {share}', qualityOnly: '（仅限质量故障）', noGoodwill: '无',
    rulesVersion: '第 {version} 版，{when} 由 {by} 保存：{reason}', rulesChanged: '费用规则在本月内有变更：每个案件按其关闭时生效的版本分摊。',
    noRules: '当时没有生效的费用规则。',
  },
};

/** Puts values into a message's {placeholders}. */
