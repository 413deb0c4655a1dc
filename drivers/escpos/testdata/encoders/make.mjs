// make.mjs writes ESC/POS receipts made by independent encoders, as a new
// user of each would make them, for drivers/escpos's golden tests
// (TestEncoders): `npm ci && node make.mjs` in this folder. The versions are
// pinned in package.json and package-lock.json; README.md says which file
// each package made.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import EscPosEncoder from 'esc-pos-encoder';
import { Printer as NodeEscposPrinter } from '@node-escpos/core';

const require = createRequire(import.meta.url);
const receiptline = require('receiptline');
const { printer: ThermalPrinter, types: PrinterTypes, CharacterSet } = require('node-thermal-printer');

const out = (name, bytes) => {
  writeFileSync(new URL(`${name}.bin`, import.meta.url), bytes);
  console.log(name, bytes.length, 'bytes');
};

// receiptline: columns placed with ESC $ / ESC \ inside GS L / GS W print
// areas, double-width amounts, a table whose rules are drawn on the
// Katakana page, a 12+20 column table narrower than the paper (its amount
// ends exactly at the print area's right edge), and a Chinese card slip.
const rlReceipt = `"^^^ExampleMart"
12 Main Street
{width:*,10}
Coffee | 3.50
Sandwich, toasted, with a very long name that wraps | 11.50
-
Subtotal | 15.00
{width:*,20}
^TOTAL | ^15.00|
{border:line; width:20,*}
|Cash | 20.00|
|Change | 5.00|
{border:space; width:*}
{width:12,20}
AMOUNT: | ^RMB 15.00|
{width:*}
Thank you|
=`;
const rlSlip = `"^^签购单
商户名称: 示例超市
卡号: 622202******1234
交易类型: 消费/SALE
{width:12,20}
金额(AMOUNT): | ^RMB 15.00|
{width:*,16}
^合计 | ^15.00|
实收 | 20.00|
找零 | 5.00|
=`;
const rl = (doc, encoding) =>
  Buffer.from(receiptline.transform(doc, { cpl: 48, encoding, command: 'escpos', cutting: true }), 'binary');
out('receiptline_columns', rl(rlReceipt, 'cp437'));
out('receiptline_gb18030-slip', rl(rlSlip, 'gb18030'));

// node-thermal-printer: tableCustom columns padded with spaces, leftRight,
// drawLine, double width (setTextDoubleWidth) and double size.
const ntp = new ThermalPrinter({ type: PrinterTypes.EPSON, width: 48, characterSet: CharacterSet.PC437_USA });
ntp.alignCenter();
ntp.setTextQuadArea();
ntp.println('ExampleMart');
ntp.setTextNormal();
ntp.println('12 Main Street');
ntp.alignLeft();
ntp.drawLine();
ntp.tableCustom([
  { text: 'Coffee', align: 'LEFT', width: 0.75 },
  { text: '3.50', align: 'RIGHT', width: 0.25 },
]);
ntp.tableCustom([
  { text: 'Sandwich, toasted, long name', align: 'LEFT', cols: 36 },
  { text: '11.50', align: 'RIGHT', cols: 12 },
]);
ntp.drawLine('=');
ntp.setTextDoubleWidth();
ntp.tableCustom([
  { text: 'TOTAL', align: 'LEFT', cols: 12 },
  { text: 'RMB 15.00', align: 'RIGHT', cols: 12 },
]);
ntp.leftRight('DUE', '15.00');
ntp.setTextNormal();
ntp.leftRight('Cash', '20.00');
ntp.leftRight('Change', '5.00');
ntp.cut();
out('node-thermal-printer_table', ntp.getBuffer());

// esc-pos-encoder (ReceiptPrinterEncoder): table columns, rules, a box,
// and a double-width total cell.
const enc = new EscPosEncoder({ columns: 48 });
enc.initialize()
  .align('center').size(2, 2).line('ExampleMart').size(1, 1)
  .line('12 Main Street')
  .align('left')
  .rule()
  .table(
    [{ width: 36, marginRight: 2, align: 'left' }, { width: 10, align: 'right' }],
    [
      ['Coffee', '3.50'],
      ['Sandwich, toasted', '11.50'],
      ['Subtotal', '15.00'],
    ],
  )
  .rule({ style: 'double' })
  .table(
    [{ width: 24, align: 'left' }, { width: 24, align: 'right' }],
    [[(e) => e.size(2, 1).text('TOTAL').size(1, 1), (e) => e.size(2, 1).text('15.00').size(1, 1)]],
  )
  .box({ width: 30, align: 'left', style: 'single' }, 'Paid by card ****1234')
  .newline()
  .cut();
out('esc-pos-encoder_table', enc.encode());

// @node-escpos/core: GB18030 text sent raw (no FS &: a Chinese-market
// printer that powers up in Chinese mode prints it), tableCustom columns
// padded with spaces counting a Chinese character as two, and a
// double-width (size [2, 1]) total row with its styles inside the cells.
const chunks = [];
const adapter = { write: (b, cb) => { chunks.push(Buffer.from(b)); cb(); }, close: (cb) => cb() };
const ne = new NodeEscposPrinter(adapter, { encoding: 'GB18030', width: 48 });
ne.align('ct').size(2, 2).text('示例超市').size(1, 1).text('收银员: 01  单号: 0012').align('lt').drawLine();
ne.tableCustom([{ text: '可口可乐 330ml', align: 'LEFT', width: 0.75 }, { text: '3.50', align: 'RIGHT', width: 0.25 }]);
ne.tableCustom([{ text: '三明治', align: 'LEFT', width: 0.75 }, { text: '11.50', align: 'RIGHT', width: 0.25 }]);
ne.drawLine();
ne.tableCustom([{ text: '合计', align: 'LEFT', width: 0.5, style: 'B' }, { text: '15.00', align: 'RIGHT', width: 0.5, style: 'B' }],
  { size: [2, 1], encoding: 'GB18030' });
ne.tableCustom([{ text: '实收(现金)', align: 'LEFT', width: 0.5 }, { text: '20.00', align: 'RIGHT', width: 0.5 }]);
ne.tableCustom([{ text: '找零', align: 'LEFT', width: 0.5 }, { text: '5.00', align: 'RIGHT', width: 0.5 }]);
ne.cut();
await ne.flush();
out('node-escpos_gb18030', Buffer.concat(chunks));
