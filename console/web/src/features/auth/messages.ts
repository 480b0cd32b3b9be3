import type { Catalogue } from '../../lib/i18n';

export const authMessages: Catalogue<'title' | 'role' | 'dealerId' | 'person' | 'signIn' | 'token' | 'useToken' | 'oidcHint' | 'signOut' | 'signedInAs' | 'failed'> = {
  en: {
    title: 'Sign in',
    role: 'Role',
    dealerId: 'Dealer id',
    person: 'Person in the directory (for the inbox; optional)',
    signIn: 'Sign in (development)',
    token: 'Bearer token from your identity provider',
    useToken: 'Use this token',
    oidcHint: 'Tokens from {issuer} are accepted.',
    signOut: 'Sign out',
    signedInAs: 'Signed in as',
    failed: 'Sign-in failed',
  },
  zh: {
    title: '登录',
    role: '角色',
    dealerId: '经销商编号',
    person: '通讯录人员编号（用于收件箱，可选）',
    signIn: '登录（开发环境）',
    token: '身份提供方签发的令牌',
    useToken: '使用此令牌',
    oidcHint: '接受 {issuer} 签发的令牌。',
    signOut: '退出',
    signedInAs: '当前用户',
    failed: '登录失败',
  },
};

export const roleNames: Catalogue<'agent' | 'dispatcher' | 'engineer' | 'depot' | 'spares' | 'quality' | 'finance' | 'manager' | 'auditor' | 'dealer' | 'platform'> = {
  en: { agent: 'Service agent', dispatcher: 'Dispatcher', engineer: 'Field engineer', depot: 'Depot', spares: 'Spares', quality: 'Quality engineer', finance: 'Finance', manager: 'Service manager', auditor: 'Auditor', dealer: 'Dealer', platform: 'Platform' },
  zh: { agent: '服务坐席', dispatcher: '调度员', engineer: '现场工程师', depot: '维修中心', spares: '备件', quality: '质量工程师', finance: '财务', manager: '服务经理', auditor: '审计', dealer: '经销商', platform: '平台' },
};
