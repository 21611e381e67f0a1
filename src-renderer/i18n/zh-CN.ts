export const zhCN = {
  app: { title: '结账 POS', sandbox: '沙箱', live: '正式' },
  connection: { online: '已连接', connecting: '连接中…', offline: '连接已断开，正在重连…' },
  language: { switchTo: 'English', label: '语言' },
  status: {
    title: '终端状态',
    terminalId: '终端编号',
    store: '门店',
    currency: '币种',
    createdAt: '启用时间',
    starts: '启动次数',
    lastStart: '最近启动',
    schema: '数据库版本',
    sqlite: 'SQLite 版本',
    journal: '日志模式',
    version: '软件版本',
    acquirer: '收单模式',
  },
  cashier: {
    ready: '请扫描商品',
    nothingYet: '销售功能即将上线：扫码、购物车与收款在下一个版本中提供。',
  },
  customer: { welcome: '欢迎光临', thanks: '谢谢惠顾' },
  errors: {
    validation_failed: '输入无效，未做任何更改。',
    unknown_call: '终端不支持此操作。',
    unauthenticated: '请先登录。',
    forbidden: '您的角色无权执行此操作。',
    not_found: '未找到。',
    conflict: '与当前状态冲突，请刷新后重试。',
    unavailable: '暂时无法连接终端，请稍候。',
    internal: '终端内部错误，请联系技术人员查看日志。',
  },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof zhCN>;
