/** Each area keeps its messages in its own module under its own top-level key; merged here. */
import { adminEn, adminZhCN } from './admin';
import { devicesEn, devicesZhCN } from './devices';
import { historyEn, historyZhCN } from './history';
import { kioskEn, kioskZhCN } from './kiosk';
import { ownerEn, ownerZhCN } from './owner';
import { syncEn, syncZhCN } from './sync';

export const areaMessagesZhCN = { devices: devicesZhCN, admin: adminZhCN, owner: ownerZhCN, history: historyZhCN, kiosk: kioskZhCN, sync: syncZhCN };
export const areaMessagesEn = { devices: devicesEn, admin: adminEn, owner: ownerEn, history: historyEn, kiosk: kioskEn, sync: syncEn };
