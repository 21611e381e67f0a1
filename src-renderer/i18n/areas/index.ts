/** Each area keeps its messages in its own module under its own top-level key; merged here. */
import { a11yEn, a11yZhCN } from './a11y';
import { adminEn, adminZhCN } from './admin';
import { alipayDirectEn, alipayDirectZhCN } from './alipayDirect';
import { auditEn, auditZhCN } from './audit';
import { devicesEn, devicesZhCN } from './devices';
import { gatewayEn, gatewayZhCN } from './gateway';
import { historyEn, historyZhCN } from './history';
import { issuesEn, issuesZhCN } from './issues';
import { kioskEn, kioskZhCN } from './kiosk';
import { membersEn, membersZhCN } from './members';
import { officeEn, officeZhCN } from './office';
import { officeStaffEn, officeStaffZhCN } from './officeStaff';
import { officeCatalogEn, officeCatalogZhCN } from './officeCatalog';
import { officeStockEn, officeStockZhCN } from './officeStock';
import { officeReportsEn, officeReportsZhCN } from './officeReports';
import { ownerEn, ownerZhCN } from './owner';
import { productsEn, productsZhCN } from './products';
import { promotionsEn, promotionsZhCN } from './promotions';
import { refundFindEn, refundFindZhCN } from './refund';
import { scaleEn, scaleZhCN } from './scale';
import { splitPayEn, splitPayZhCN } from './splitPay';
import { stockEn, stockZhCN } from './stock';
import { syncEn, syncZhCN } from './sync';
import { todayEn, todayZhCN } from './today';

export const areaMessagesZhCN = {
  office: officeZhCN,
  officeStaff: officeStaffZhCN,
  officeCatalog: officeCatalogZhCN,
  officeStock: officeStockZhCN,
  officeReports: officeReportsZhCN,
  devices: devicesZhCN,
  admin: adminZhCN,
  owner: ownerZhCN,
  history: historyZhCN,
  kiosk: kioskZhCN,
  issues: issuesZhCN,
  audit: auditZhCN,
  refundFind: refundFindZhCN,
  today: todayZhCN,
  a11y: a11yZhCN,
  sync: syncZhCN,
  gateway: gatewayZhCN,
  alipayDirect: alipayDirectZhCN,
  members: membersZhCN,
  products: productsZhCN,
  promotions: promotionsZhCN,
  scale: scaleZhCN,
  stock: stockZhCN,
  splitPay: splitPayZhCN,
};
export const areaMessagesEn = {
  office: officeEn,
  officeStaff: officeStaffEn,
  officeCatalog: officeCatalogEn,
  officeStock: officeStockEn,
  officeReports: officeReportsEn,
  devices: devicesEn,
  admin: adminEn,
  owner: ownerEn,
  history: historyEn,
  kiosk: kioskEn,
  issues: issuesEn,
  audit: auditEn,
  refundFind: refundFindEn,
  today: todayEn,
  a11y: a11yEn,
  sync: syncEn,
  gateway: gatewayEn,
  alipayDirect: alipayDirectEn,
  members: membersEn,
  products: productsEn,
  promotions: promotionsEn,
  scale: scaleEn,
  stock: stockEn,
  splitPay: splitPayEn,
};
