import { describe, expect, it } from 'vitest';
import { checkPublicFields, checkPublicView, custodianKindName, findPersonalData, isResidentIdNumber, resolvePublicFields } from './public-view.ts';
import type { PersonalDataKind } from './public-view.ts';

describe('findPersonalData', () => {
  const refused: Array<[text: string, kind: PersonalDataKind, match: string]> = [
    // Mainland mobiles, as people write them.
    ['13812345678', 'phone', '13812345678'],
    ['联系 138 1234 5678 张先生', 'phone', '138 1234 5678'],
    ['138-1234-5678', 'phone', '138-1234-5678'],
    ['+86 139 0898 1234', 'phone', '+86 139 0898 1234'],
    ['+8615912345678', 'phone', '+8615912345678'],
    ['008619912345678', 'phone', '008619912345678'],
    ['海口 收货人电话19912345678', 'phone', '19912345678'],
    ['１３８１２３４５６７８', 'phone', '13812345678'],
    // Fixed lines.
    ['0898-66668888', 'phone', '0898-66668888'],
    ['020-3712 3456', 'phone', '020-3712 3456'],
    ['(010) 65123456', 'phone', '(010) 65123456'],
    ['+86 898 6666 8888', 'phone', '+86 898 6666 8888'],
    // Resident ID numbers whose check character holds (GB 11643-1999, its own example first).
    ['11010519491231002X', 'id_number', '11010519491231002X'],
    ['11010519491231002x 王', 'id_number', '11010519491231002x'],
    ['身份证 460100199003071237', 'id_number', '460100199003071237'],
    ['460100 19900307 1237', 'id_number', '460100 19900307 1237'],
    // Street addresses.
    ['海口市龙华区人民路88号', 'street_address', '路88号'],
    ['海口 龙昆南路 12 号', 'street_address', '路 12 号'],
    ['上海长乐路123弄4号', 'street_address', '路123弄'],
    ['解放大街八十八号', 'street_address', '街八十八号'],
    ['广州天河 3栋2单元501室', 'street_address', '3栋'],
    ['幸福花园5号楼', 'street_address', '5号楼'],
    ['金茂大厦 12楼', 'street_address', '12楼'],
    ['文昌 红旗村3组', 'street_address', '村3组'],
    ['88 Renmin Road, Haikou', 'street_address', '88 Renmin Road'],
    ['12 Longkun South Rd., Haikou', 'street_address', '12 Longkun South Rd.'],
    ['5 Baker St London', 'street_address', '5 Baker St'],
    ['221B Baker Street', 'street_address', '221B Baker Street'],
    ['No. 88, Haikou', 'street_address', 'No. 88'],
    ['No. 88, Renmin Lu', 'street_address', '88, Renmin Lu'],
    ['Room 501, Haikou', 'street_address', 'Room 501'],
    // E-mail.
    ['haikou li.ming@example.com', 'email', 'li.ming@example.com'],
  ];
  it.each(refused)('refuses %s as %s', (text, kind, match) => {
    expect(findPersonalData(text)).toEqual({ kind, match });
  });

  const passed: string[] = [
    // City- and district-level places.
    '海南 海口',
    '广东省广州市',
    'Haikou, Hainan',
    '上海浦东新区',
    'Guangzhou hub 广州白云仓',
    '海口市龙华区金贸街道',
    '北京朝阳',
    'Shanghai Pudong',
    '广州白云1号仓',
    // Numbers that are not personal.
    '15 °C',
    '2–8 °C, lychee 0-4 °C',
    'batch B2026-12',
    'Lot 2026-05-20 08:30',
    'boxes 120, 36123.45 yuan',
    '20260520-0001',
    // 18 digits whose check character is wrong: not an ID number (GB 11643-1999 check).
    'waybill 460100199003071238',
    // 18 digits with a good check but no real birth date (month 13).
    'order 110101199013071238',
    // 11 digits that are not a mobile (second digit 2).
    'SF 12012345678',
    // A dozen digits: longer than a mobile.
    'parcel 138123456789',
    // Products and words that share characters with addresses.
    '千层蛋糕',
    '三亚 凤凰机场',
    'Route 66 diner in Haikou',
  ];
  it.each(passed)('lets %s through', (text) => {
    expect(findPersonalData(text)).toBeNull();
  });
});

describe('isResidentIdNumber', () => {
  it.each([
    ['11010519491231002X', true],
    ['440524188001010014', true],
    ['460100199003071237', true],
    ['460100199003071238', false],
    ['460100199002301235', false],
    ['46010019900307123', false],
    ['4601001990030712377', false],
  ] as const)('%s → %s', (value, expected) => {
    expect(isResidentIdNumber(value)).toBe(expected);
  });
});

describe('checkPublicFields', () => {
  it('names the first refused field, with the reason in both languages and without the personal data', () => {
    const refusal = checkPublicFields({ origin: '海南 海口', destination: '上海浦东 13812345678' });
    expect(refusal).toEqual({
      field: 'destination',
      kind: 'phone',
      reason: {
        zh: 'destination：看起来是电话号码；公开字段任何扫码的人都能看到，只填城市（如 海南 海口）',
        en: 'destination: looks like a phone number; public fields are shown to anyone with the QR code — give the city only (e.g. 海南 海口)',
      },
    });
    expect(JSON.stringify(refusal)).not.toContain('13812345678');
  });

  it('passes city-level fields and absent ones', () => {
    expect(checkPublicFields({ origin: '海南 海口', destination: 'Shanghai', station: null, note: undefined })).toBeNull();
    expect(checkPublicView({ origin: '广东省广州市', destination: '上海浦东新区' })).toBeNull();
  });

  it('checks origin before destination', () => {
    expect(checkPublicView({ origin: '人民路88号', destination: 'a@b.cn' })?.field).toBe('origin');
  });
});

describe('resolvePublicFields', () => {
  const cases: Array<{ name: string; shipment: Parameters<typeof resolvePublicFields>[0]; expected: ReturnType<typeof resolvePublicFields> }> = [
    {
      name: 'no choice: the fields as typed, custodians by name',
      shipment: { origin: '海南 海口', destination: '上海 浦东' },
      expected: { origin: '海南 海口', destination: '上海 浦东', custodians: 'names' },
    },
    {
      name: 'no choice, old data with personal data: left out',
      shipment: { origin: '海口人民路88号 13812345678', destination: '上海 浦东', publicView: null },
      expected: { origin: null, destination: '上海 浦东', custodians: 'names' },
    },
    {
      name: "the shipper's choice wins over the fields as typed",
      shipment: { origin: '海口人民路88号', destination: '上海长乐路123弄4号', publicView: { origin: '海南 海口', destination: '上海', custodians: 'kinds' } },
      expected: { origin: '海南 海口', destination: '上海', custodians: 'kinds' },
    },
    {
      name: 'a stored choice is checked again',
      shipment: { origin: '海南 海口', destination: '上海', publicView: { origin: '海口 li@example.com', destination: '上海', custodians: 'names' } },
      expected: { origin: null, destination: '上海', custodians: 'names' },
    },
  ];
  it.each(cases)('$name', ({ shipment, expected }) => {
    expect(resolvePublicFields(shipment)).toEqual(expected);
  });
});

describe('custodianKindName', () => {
  it('names logistics providers by kind, and an unknown custodian plainly', () => {
    expect(custodianKindName('carrier')).toEqual({ zh: '承运商', en: 'Carrier' });
    expect(custodianKindName('warehouse')).toEqual({ zh: '仓库', en: 'Warehouse' });
    expect(custodianKindName('courier')).toEqual({ zh: '快递', en: 'Courier' });
    expect(custodianKindName(undefined)).toEqual({ zh: '经手方', en: 'Handler' });
  });
});
