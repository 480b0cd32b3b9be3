import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'dealerTitle' | 'find' | 'findLabel' | 'findHint' | 'showAll' | 'more' | 'notFound' | 'failed' | 'loading' | 'customers' | 'yourCustomers' | 'matches'
  | 'id' | 'name' | 'class' | 'dealer' | 'city' | 'open' | 'none' | 'sites' | 'address' | 'timeZone' | 'contacts' | 'phone' | 'email' | 'role'
  | 'machines' | 'serial' | 'model' | 'productLine' | 'site' | 'status' | 'installed' | 'warranty' | 'contractsNaming' | 'entitlement'
  | 'warrantyNone' | 'warrantyNotStarted' | 'warrantyActive' | 'warrantyExpired' | 'until' | 'from' | 'partOf'
  | 'entContract' | 'entWarranty' | 'entNone' | 'quote' | 'noQuote'
  | 'contracts' | 'contract' | 'type' | 'period' | 'responseMode' | 'slaPolicy' | 'covers' | 'parts' | 'labour' | 'travel' | 'allMachines'
  | 'openRequests' | 'pastRequests' | 'request' | 'symptom' | 'registeredAt' | 'neededBy'
  | 'visits' | 'visitsNone' | 'visitsEvery' | 'visitsNext' | 'visitsPaused' | 'visitsPlanned' | 'visitsNote'
  | 'newMachine' | 'siteNone' | 'installDate' | 'warrantyType' | 'warrantyEnd' | 'registerMachine' | 'registering' | 'machineRegistered' | 'fix'
  | 'newRequest' | 'contactName' | 'registerRequest' | 'requestRegistered';

export const customerMessages: Catalogue<Key> = {
  en: {
    title: 'Customers', dealerTitle: 'Your customers and machines', find: 'Find', findLabel: 'Customer name or id',
    findHint: 'Type a customer id (CUST-0001) or the start of a name.', showAll: 'Show all', more: 'More customers', notFound: 'Not found: no customer you may see has this id or a name starting so.',
    failed: 'Could not load', loading: 'Loading…', customers: 'Customers', yourCustomers: 'Your end customers', matches: 'Customers found',
    id: 'Id', name: 'Name', class: 'Class', dealer: 'Dealer', city: 'City', open: 'Open', none: 'None', sites: 'Sites', address: 'Address', timeZone: 'Time zone',
    contacts: 'Contacts', phone: 'Phone', email: 'E-mail', role: 'Role',
    machines: 'Machines', serial: 'Serial number', model: 'Model', productLine: 'Product line', site: 'Site', status: 'Status', installed: 'Installed',
    warranty: 'Warranty', contractsNaming: 'Contracts', entitlement: 'Entitlement today',
    warrantyNone: 'none of its own', warrantyNotStarted: 'not started', warrantyActive: 'in warranty', warrantyExpired: 'expired', until: 'until', from: 'from', partOf: 'inside',
    entContract: 'Contract', entWarranty: 'Warranty', entNone: 'None', quote: 'quote first', noQuote: 'no charge',
    contracts: 'Service contracts', contract: 'Contract', type: 'Type', period: 'Period', responseMode: 'Response', slaPolicy: 'SLA policy', covers: 'Covers',
    parts: 'parts', labour: 'labour', travel: 'travel', allMachines: 'all machines',
    openRequests: 'Open requests', pastRequests: 'Past requests', request: 'Request', symptom: 'Symptom', registeredAt: 'Registered', neededBy: 'Needed by',
    visits: 'Proactive visits', visitsNone: 'No proactive visits are scheduled.', visitsEvery: 'Every', visitsNext: 'Next visits', visitsPaused: 'paused',
    visitsPlanned: 'Planned-maintenance requests', visitsNote: 'Note',
    newMachine: 'Register a machine for this customer', siteNone: '— no site —', installDate: 'Installation date', warrantyType: 'Warranty type',
    warrantyEnd: 'Warranty last day', registerMachine: 'Register machine', registering: 'Registering…', machineRegistered: 'Machine registered', fix: 'Check this field',
    newRequest: 'Register a service request for', contactName: 'Contact name', registerRequest: 'Register request', requestRegistered: 'Request registered',
  },
  zh: {
    title: '客户', dealerTitle: '我的客户与设备', find: '查找', findLabel: '客户名称或编号',
    findHint: '输入客户编号（如 CUST-0001）或名称开头。', showAll: '显示全部', more: '更多客户', notFound: '未找到：没有您可查看的该编号或名称开头的客户。',
    failed: '无法加载', loading: '加载中…', customers: '客户', yourCustomers: '我的终端客户', matches: '查找结果',
    id: '编号', name: '名称', class: '类别', dealer: '经销商', city: '城市', open: '打开', none: '无', sites: '现场', address: '地址', timeZone: '时区',
    contacts: '联系人', phone: '电话', email: '电子邮件', role: '职务',
    machines: '设备', serial: '序列号', model: '型号', productLine: '产品线', site: '现场', status: '状态', installed: '安装日期',
    warranty: '保修', contractsNaming: '服务合同', entitlement: '今日服务权益',
    warrantyNone: '无自身保修', warrantyNotStarted: '未开始', warrantyActive: '保修期内', warrantyExpired: '已过保', until: '至', from: '自', partOf: '所属',
    entContract: '合同', entWarranty: '保修', entNone: '无', quote: '需先报价', noQuote: '免费',
    contracts: '服务合同', contract: '合同', type: '类型', period: '期限', responseMode: '响应方式', slaPolicy: '服务时限策略', covers: '覆盖',
    parts: '备件', labour: '人工', travel: '差旅', allMachines: '全部设备',
    openRequests: '未结请求', pastRequests: '历史请求', request: '请求', symptom: '故障现象', registeredAt: '登记时间', neededBy: '期望完成时间',
    visits: '主动巡检', visitsNone: '未安排主动巡检。', visitsEvery: '周期', visitsNext: '下次巡检', visitsPaused: '已暂停',
    visitsPlanned: '计划保养请求', visitsNote: '备注',
    newMachine: '为该客户登记设备', siteNone: '— 无现场 —', installDate: '安装日期', warrantyType: '保修类型',
    warrantyEnd: '保修最后一天', registerMachine: '登记设备', registering: '登记中…', machineRegistered: '设备已登记', fix: '请检查此项',
    newRequest: '登记服务请求：', contactName: '联系人', registerRequest: '登记请求', requestRegistered: '请求已登记',
  },
};

/** Customer classes in the users' words. */
export const classMessages: Catalogue<'vip' | 'key_account' | 'standard' | 'indirect'> = {
  en: { vip: 'VIP', key_account: 'Key account', standard: 'Standard', indirect: 'Indirect (through a dealer)' },
  zh: { vip: 'VIP', key_account: '重点客户', standard: '普通客户', indirect: '间接客户（经销商）' },
};
