const { TextClassifier, readExamplesCsv, stratifiedFolds } = require('../dist/src/routing');
const rows = readExamplesCsv('../shared/data/teddycup2020c/messages_train.csv', ['title','detail'], 'label_level1').rows.filter(r => r.label !== undefined);
const opts = JSON.parse(process.env.OPTS || '{}');
const fold = stratifiedFolds(rows.map(r => r.label), 5, 1);
const train = rows.filter((_, i) => fold[i] !== 0).map(r => ({ text: r.text, label: r.label }));
const test = rows.filter((_, i) => fold[i] === 0);
const m = TextClassifier.train(train, opts);
const preds = test.map(r => ({ p: m.predict(r.text, 1)[0], y: r.label }));
for (const t of [0.5, 0.6, 0.7, 0.8, 0.9]) {
  const sel = preds.filter(x => x.p.confidence >= t);
  const right = sel.filter(x => x.p.label === x.y).length;
  console.log(JSON.stringify(opts), 'T', t, 'covered', (sel.length / preds.length).toFixed(3), 'right', (right / sel.length).toFixed(3));
}
console.log('temperature', m.toJSON().temperature);
