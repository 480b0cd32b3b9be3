import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'serial' | 'serialHint' | 'notFound' | 'machine' | 'customer' | 'site' | 'tree' | 'parent' | 'children' | 'warranty' | 'noWarranty'
  | 'contracts' | 'noContracts' | 'entitlement' | 'quoteRequired' | 'noQuote' | 'openRequests' | 'none' | 'duplicate' | 'knownFixes' | 'containment'
  | 'contactName' | 'phone' | 'symptom' | 'neededBy' | 'register' | 'registered' | 'registering' | 'until';

export const registrationMessages: Catalogue<Key> = {
  en: {
    title: 'Register a service request', serial: 'Serial number', serialHint: 'Type the serial: the machine and what it is entitled to appear as you type.',
    notFound: 'No machine you may see has this serial.', machine: 'Machine', customer: 'Customer', site: 'Site', tree: 'Machine tree', parent: 'Part of', children: 'Contains',
    warranty: 'Warranty', noWarranty: 'No warranty', contracts: 'Contracts', noContracts: 'No contract covers it', entitlement: 'Entitlement',
    quoteRequired: 'Paid work: a quote first', noQuote: 'No charge to the customer', openRequests: 'Open requests on this machine', none: 'None',
    duplicate: 'Possible duplicate of', knownFixes: 'Known fixes', containment: 'Containment', contactName: 'Contact name', phone: 'Phone', symptom: 'Symptom',
    neededBy: 'Needed by', register: 'Register', registered: 'Registered', registering: 'Registering…', until: 'until',
  },
  zh: {
    title: '登记服务请求', serial: '序列号', serialHint: '输入序列号：设备及其服务权益随输入显示。',
    notFound: '没有您可查看的该序列号设备。', machine: '设备', customer: '客户', site: '现场', tree: '设备结构', parent: '所属', children: '包含',
    warranty: '保修', noWarranty: '无保修', contracts: '服务合同', noContracts: '无合同覆盖', entitlement: '服务权益',
    quoteRequired: '有偿服务：需先报价', noQuote: '客户无需付费', openRequests: '该设备未结请求', none: '无',
    duplicate: '可能与此重复', knownFixes: '已知解决方案', containment: '围堵措施', contactName: '联系人', phone: '电话', symptom: '故障现象',
    neededBy: '期望完成时间', register: '登记', registered: '已登记', registering: '登记中…', until: '至',
  },
};
