import type { RoleOrgs } from './journey-runner.ts';

/** The demo's organisations (fictional), with the role each plays in a lychee journey. */
export const DEMO_ORGS = [
  { id: 'hn-lychee-coop', name: '海南妃子笑荔枝合作社（主播）', nameEn: 'Hainan Feizixiao Lychee Co-op (streamer)', kind: 'shipper' },
  { id: 'hk-shunda-cold', name: '海口顺达冷链', nameEn: 'Haikou Shunda Cold Chain', kind: 'carrier' },
  { id: 'gz-baiyun-hub', name: '广州白云冷链枢纽仓', nameEn: 'Guangzhou Baiyun Cold Hub', kind: 'warehouse' },
  { id: 'nanbei-reefer', name: '南北干线冷运', nameEn: 'Nanbei Line-haul Reefers', kind: 'carrier' },
  { id: 'city-fresh-express', name: '城市鲜达快递', nameEn: 'City Fresh Express', kind: 'courier' },
] as const;

/** Which demo organisation holds each role. */
export const DEMO_ROLE_ORGS: RoleOrgs = {
  shipper: 'hn-lychee-coop',
  first_mile: 'hk-shunda-cold',
  hub: 'gz-baiyun-hub',
  line_haul: 'nanbei-reefer',
  last_mile: 'city-fresh-express',
};
