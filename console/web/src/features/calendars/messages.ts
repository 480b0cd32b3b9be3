import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'calendar' | 'version' | 'changed' | 'by' | 'why' | 'knownThrough' | 'open' | 'history' | 'effectiveFrom' | 'upcoming' | 'date' | 'kind'
  | 'hours' | 'note' | 'none' | 'closed' | 'working' | 'shortened' | 'importTitle' | 'file' | 'fileHelp' | 'reason' | 'submit' | 'imported' | 'conflict' | 'alwaysOpen' | 'fromTheStart';

export const calendarMessages: Catalogue<Key> = {
  en: {
    title: 'Service calendars', calendar: 'Calendar', version: 'Version', changed: 'Changed', by: 'By', why: 'Why', knownThrough: 'Holidays known through', open: 'Open',
    history: 'Versions', effectiveFrom: 'Counts from', upcoming: 'Dated days in the next six months', date: 'Date', kind: 'Day', hours: 'Hours', note: 'Note',
    none: 'None.', closed: 'Closed', working: 'Make-up working day', shortened: 'Own hours', importTitle: 'Import a year of holidays', file: 'Holiday file',
    fileHelp: 'One line per day or range: "2027-01-01 closed New Year", "2027-02-06 working make-up day", "2027-12-31 hours 09:00-12:00".', reason: 'Reason',
    submit: 'Import', imported: 'Stored as version {version}; holidays known through {through}.', conflict: 'Someone changed this calendar meanwhile; it has been read again. Import once more.',
    alwaysOpen: 'Always open: no holidays to keep.', fromTheStart: 'From the start',
  },
  zh: {
    title: '服务日历', calendar: '日历', version: '版本', changed: '修改时间', by: '修改人', why: '原因', knownThrough: '节假日已知至', open: '打开',
    history: '版本记录', effectiveFrom: '生效时间', upcoming: '未来六个月的特殊日期', date: '日期', kind: '类型', hours: '时段', note: '说明',
    none: '无。', closed: '休息', working: '调休上班', shortened: '特殊时段', importTitle: '导入一年的节假日', file: '节假日文件',
    fileHelp: '每行一天或一段日期：“2027-01-01 closed 元旦”、“2027-02-06 working 调休”、“2027-12-31 hours 09:00-12:00”。', reason: '原因',
    submit: '导入', imported: '已存为第 {version} 版；节假日已知至 {through}。', conflict: '他人已修改此日历，已重新读取，请再导入一次。',
    alwaysOpen: '全天候：无节假日。', fromTheStart: '始终',
  },
};
