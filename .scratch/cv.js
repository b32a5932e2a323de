const { crossValidate, readExamplesCsv } = require('../dist/src/routing');
const cols = (process.env.COLS || 'title,detail').split(',');
const rows = readExamplesCsv('../shared/data/teddycup2020c/messages_train.csv', cols, 'label_level1').rows.filter(r => r.label !== undefined);
const opts = JSON.parse(process.env.OPTS || '{}');
for (const seed of (process.env.SEEDS || '1').split(',').map(Number)) {
  const t0 = Date.now();
  const cv = crossValidate(rows.map(r => ({ text: r.text, label: r.label })), 5, opts, seed);
  console.log(JSON.stringify(opts), 'seed', seed, 'macroF1', cv.macroF1.toFixed(4), 'acc', cv.accuracy.toFixed(4), 'folds', cv.folds?.map?.(f => f.macroF1.toFixed(3)).join(' '), ((Date.now() - t0) / 1000).toFixed(0) + 's');
}
