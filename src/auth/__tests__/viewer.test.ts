import { Role, signToken, viewerFromAuthorization } from '../viewer';

const SECRET = 'a-secret-of-at-least-32-characters-long';

afterEach(() => jest.useRealTimers());

test('a verified token is remembered: the same viewer, frozen, for the next request', async () => {
  const token = await signToken(SECRET, { role: Role.DISTRICT_OFFICE, subject: 'tianhe', districtCodes: ['440106'] });
  const first = await viewerFromAuthorization(SECRET, `Bearer ${token}`);
  expect(first).toEqual({ role: Role.DISTRICT_OFFICE, subject: 'tianhe', departmentCode: undefined, districtCodes: ['440106'] });
  const again = await viewerFromAuthorization(SECRET, `Bearer ${token}`);
  expect(again).toBe(first);
  expect(Object.isFrozen(again)).toBe(true);
  expect(() => (again.districtCodes as string[]).push('440105')).toThrow(TypeError);
});

test('a remembered token is refused once it expires', async () => {
  const token = await signToken(SECRET, { role: Role.OPERATOR, subject: 'op-7' }, '1h');
  await expect(viewerFromAuthorization(SECRET, `Bearer ${token}`)).resolves.toMatchObject({ role: Role.OPERATOR });
  // two hours on, for the cache and for the signature check alike
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: Date.now() + 2 * 3_600_000 });
  await expect(viewerFromAuthorization(SECRET, `Bearer ${token}`)).rejects.toThrow('the token has expired');
});

test('a token remembered under one secret is not accepted under another', async () => {
  const token = await signToken(SECRET, { role: Role.SUPERVISOR, subject: 'sup' });
  await expect(viewerFromAuthorization(SECRET, `Bearer ${token}`)).resolves.toMatchObject({ role: Role.SUPERVISOR });
  await expect(viewerFromAuthorization('another-secret-of-at-least-32-characters', `Bearer ${token}`)).rejects.toThrow('the token is not valid');
});
