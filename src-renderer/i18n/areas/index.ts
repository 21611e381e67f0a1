/** Each area keeps its messages in its own module under its own top-level key; merged here. */
import { adminEn, adminZhCN } from './admin';
import { auditEn, auditZhCN } from './audit';
import { devicesEn, devicesZhCN } from './devices';
import { historyEn, historyZhCN } from './history';
import { issuesEn, issuesZhCN } from './issues';
import { kioskEn, kioskZhCN } from './kiosk';
import { ownerEn, ownerZhCN } from './owner';
import { a11yEn, a11yZhCN } from './a11y';
import { refundFindEn, refundFindZhCN } from './refund';
import { syncEn, syncZhCN } from './sync';
import { todayEn, todayZhCN } from './today';
import { gatewayEn, gatewayZhCN } from './gateway';

export const areaMessagesZhCN = { devices: devicesZhCN, admin: adminZhCN, owner: ownerZhCN, history: historyZhCN, kiosk: kioskZhCN, issues: issuesZhCN, audit: auditZhCN, refundFind: refundFindZhCN, today: todayZhCN, a11y: a11yZhCN, sync: syncZhCN, gateway: gatewayZhCN };
export const areaMessagesEn = { devices: devicesEn, admin: adminEn, owner: ownerEn, history: historyEn, kiosk: kioskEn, issues: issuesEn, audit: auditEn, refundFind: refundFindEn, today: todayEn, a11y: a11yEn, sync: syncEn, gateway: gatewayEn };
