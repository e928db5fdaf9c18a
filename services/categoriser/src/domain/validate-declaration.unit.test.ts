import { aDeclaration, aLine } from './test-declarations.ts';
import { validateDeclaration } from './validate-declaration.ts';

const hs = new Set(['94', '9403', '940360']);
const ports = new Set(['KHORGOS']);

describe('validateDeclaration', () => {
  test('a well-formed declaration has no reasons', () => {
    expect(validateDeclaration(aDeclaration(), hs, ports)).toEqual([]);
  });

  test('each defect is reported with its line', () => {
    const d = aDeclaration({
      port: 'NOWHERE',
      goods: [aLine({ hsCode: '999999', grossMassGrams: -5, netMassGrams: 10, packages: 0, currency: '' })],
    });
    expect(validateDeclaration(d, hs, ports)).toEqual([
      'unknown port "NOWHERE"',
      'line 1: unknown HS subheading 999999',
      'line 1: packages 0 is not positive',
      'line 1: negative gross mass',
      'line 1: net mass 10 g exceeds gross mass -5 g',
      'line 1: empty currency',
    ]);
  });

  test('goods without lines are rejected', () => {
    expect(validateDeclaration(aDeclaration({ goods: [] }), hs, ports)).toEqual([
      'declaration has no goods lines',
    ]);
  });

  test('national subdivisions are checked by their 6-digit prefix', () => {
    expect(
      validateDeclaration(aDeclaration({ goods: [aLine({ hsCode: '9403600001' })] }), hs, ports),
    ).toEqual([]);
  });

  test('identifiers holding control characters are rejected (they are Redis keys and list items)', () => {
    const d = aDeclaration({ declarationId: 'KHG-1\nKHG-2', bookingId: 'BK\t1' });
    d.consignor = { ...d.consignor, id: 'CN-1\n' };
    expect(validateDeclaration(d, hs, ports)).toEqual([
      'declarationId holds a control character',
      'bookingId holds a control character',
      'consignor id holds a control character',
    ]);
    expect(validateDeclaration(aDeclaration({ declarationId: 'KHG-Ω 1' }), hs, ports)).toEqual([]);
  });

  test('a line number used twice is reported once, at its second use', () => {
    const goods = [aLine({ lineNo: 1 }), aLine({ lineNo: 2 }), aLine({ lineNo: 1 }), aLine({ lineNo: 3 })];
    expect(validateDeclaration(aDeclaration({ goods }), hs, ports)).toEqual([
      'line 1: duplicate line number',
    ]);
  });

  test('an HS code of an unknown subheading is reported whether or not it was seen before', () => {
    const d = aDeclaration({
      goods: [aLine({ hsCode: '9403600001' }), aLine({ lineNo: 2, hsCode: '9403700001' })],
    });
    expect(validateDeclaration(d, hs, ports)).toEqual(['line 2: unknown HS subheading 940370']);
    expect(validateDeclaration(d, hs, ports)).toEqual(['line 2: unknown HS subheading 940370']);
    expect(validateDeclaration(d, new Set([...hs, '940370']), ports)).toEqual([]);
  });

  test('formats are checked at their bounds: HS digits, currency and country letters, UN numbers, blanks', () => {
    const lineReasons = (line: Parameters<typeof aLine>[0]) =>
      validateDeclaration(aDeclaration({ goods: [aLine(line)] }), hs, ports);
    expect(lineReasons({ hsCode: '94036' })).toEqual(['line 1: HS code "94036" is not 6 to 10 digits']);
    expect(lineReasons({ hsCode: '94036000011' })).toEqual([
      'line 1: HS code "94036000011" is not 6 to 10 digits',
    ]);
    expect(lineReasons({ hsCode: '94036O' })).toEqual(['line 1: HS code "94036O" is not 6 to 10 digits']);
    expect(lineReasons({ hsCode: '940360' })).toEqual([]);
    expect(lineReasons({ currency: 'usd' })).toEqual(['line 1: currency "usd" is not ISO 4217']);
    expect(lineReasons({ currency: 'US' })).toEqual(['line 1: currency "US" is not ISO 4217']);
    expect(lineReasons({ currency: ' \u00a0' })).toEqual(['line 1: empty currency']);
    expect(lineReasons({ originCountry: 'C' })).toEqual(['line 1: origin "C" is not ISO 3166-1 alpha-2']);
    expect(lineReasons({ originCountry: 'cN' })).toEqual(['line 1: origin "cN" is not ISO 3166-1 alpha-2']);
    expect(lineReasons({ dangerousGoods: { unNumber: '123', hazardClass: '3' } })).toEqual([
      'line 1: UN number "123" is not four digits',
    ]);
    expect(lineReasons({ dangerousGoods: { unNumber: '12a4', hazardClass: '3' } })).toEqual([
      'line 1: UN number "12a4" is not four digits',
    ]);
    expect(lineReasons({ dangerousGoods: { unNumber: '1203', hazardClass: '3' } })).toEqual([]);

    const d = aDeclaration({ declarationId: '\u3000 ' });
    d.declarant = { ...d.declarant, id: ' ', country: 'KAZ' };
    d.consignee = { ...d.consignee, id: 'KZ\u007f1' };
    d.vehicle = { ...d.vehicle, tractorPlate: '\t' };
    expect(validateDeclaration(d, hs, ports)).toEqual([
      'empty declarationId',
      'declarant has no id',
      'declarant country "KAZ" is not ISO 3166-1 alpha-2',
      'consignee id holds a control character',
      'vehicle has no tractor plate',
    ]);
  });
});
