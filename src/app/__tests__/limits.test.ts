import { buildSchema, parse } from 'graphql';
import { costError, QUERY_TOO_COMPLEX } from '../limits';

const schema = buildSchema(`
  type Item { a: Int, b: Int, children(first: Int): [Item] }
  type Query { items(first: Int): [Item], one: Item }
`);

test('one document is costed by its page sizes: the same text with a bigger page is refused', () => {
  const doc = parse('query($n: Int, $m: Int) { items(first: $n) { a children(first: $m) { b } } }');
  expect(costError(schema, doc, { n: 5, m: 5 }, undefined, 1000)).toBeNull();
  const refused = costError(schema, doc, { n: 100_000, m: 5 }, undefined, 1000);
  expect(refused?.extensions).toMatchObject({ code: QUERY_TOO_COMPLEX, limit: 1000 });
  expect(costError(schema, doc, { n: 5, m: 100_000 }, undefined, 1000)?.extensions.code).toBe(QUERY_TOO_COMPLEX);
  // the small page again, after the big ones: still allowed
  expect(costError(schema, doc, { n: 5, m: 5 }, undefined, 1000)).toBeNull();
});

test('an @include condition changes the cost; other variables do not', () => {
  const doc = parse('query($big: Boolean!, $text: String) { one { a } items(first: 500) @include(if: $big) { a b } }');
  expect(costError(schema, doc, { big: false, text: 'x' }, undefined, 1000)).toBeNull();
  expect(costError(schema, doc, { big: true, text: 'x' }, undefined, 1000)?.extensions).toMatchObject({ code: QUERY_TOO_COMPLEX, cost: 1003 });
  expect(costError(schema, doc, { big: false, text: 'y' }, undefined, 1000)).toBeNull();
});

test('each operation of a document is costed on its own', () => {
  const doc = parse('query Small { one { a } } query Big { items(first: 900) { a b } }');
  expect(costError(schema, doc, {}, 'Small', 1000)).toBeNull();
  expect(costError(schema, doc, {}, 'Big', 1000)?.extensions.code).toBe(QUERY_TOO_COMPLEX);
});
