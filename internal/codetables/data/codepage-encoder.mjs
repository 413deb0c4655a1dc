// codepage-encoder.mjs writes ce-NAME.txt, bytes 0x80-0xFF of code pages as
// @point-of-sale/codepage-encoder 3.0.2 (MIT, NielsLeenheer/CodepageEncoder)
// transcribes them from printer vendors' charts, for internal/codetables:
//   npm install --prefix /tmp/ce @point-of-sale/codepage-encoder@3.0.2
//   node codepage-encoder.mjs /tmp/ce/node_modules/@point-of-sale/codepage-encoder/dist/codepage-encoder.mjs
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const { default: CodepageEncoder } = await import(pathToFileURL(process.argv[2]).href);
for (const name of ['cp720', 'cp3012', 'star/cp928', 'thai13', 'epson/katakana']) {
  const cps = CodepageEncoder.getCodepoints(name, true);
  let out = `# ${name}, bytes 0x80-0xFF, from @point-of-sale/codepage-encoder 3.0.2 getCodepoints('${name}', true) (MIT).\n`;
  for (let b = 0x80; b < 0x100; b++) {
    const c = cps[b];
    out += `0x${b.toString(16)}\t${c === undefined || c === 0xfffd ? '' : '0x' + c.toString(16).padStart(4, '0')}\n`;
  }
  writeFileSync(new URL(`ce-${name.replace('/', '-')}.txt`, import.meta.url), out);
}
