import { maskName, maskPhone, redactPerson, redactPersonalText } from '../mask';

describe('redactPersonalText', () => {
  test.each([
    ['请回电13912345678，谢谢', '请回电***，谢谢'],
    ['电话 139 1234 5678 或 020-8888-6666', '电话 *** 或 ***'],
    ['身份证号440106199001011234', '身份证号***'],
    ['身份证44010619900101123X号', '身份证***号'],
    ['回电一三九一二三四五六七八', '回电***'],
    ['邮箱 chen.dawen@example.com', '邮箱 ***'],
    ['我叫陈大文，住在天河', '我叫陈**，住在天河'],
    ['联系人：李四', '联系人李*'],
    ['请回电１３８００１３８０００', '请回电***'],
    ['身份证号４４０１０６１９９００１０１１２３４', '身份证号***'],
    ['电话138.0013.8000', '电话***'],
    ['手机：138—0013—8000', '手机：***'],
    ['电话1380013８000', '电话***'],
    ['座机（020）8888 6666', '座机***'],
    ['请联系（139 8765 4321）', '请联系（***）'],
    ['+86 138 0013 8000', '***'],
    ['13800138000方便时回电', '***方便时回电'],
    ['邮箱aaa@x.com或chen.dawen@example.com', '邮箱***或***'],
    ['请回电13912345678万女士', '请回电***万女士'],
    ['13912345678千万别打错', '***千万别打错'],
    ['TEL13912345678，QQ123456789', 'TEL***，QQ***'],
  ])('%s → %s', (text, redacted) => {
    expect(redactPersonalText(text)).toBe(redacted);
  });

  test('what does not identify anyone stays as said: counts, dates, amounts, addresses of places', () => {
    for (const text of ['72名员工三个月没发工资，欠薪约30万元', '2024年3月起每天凌晨施工', '天河路123号门口路灯不亮', '我是鸿运五金厂的工人', '2026-03-02T01:00:00.000Z', '2026.3.2起停水', '2019-2024年一直漏水', '２０２６－０３－０２', '2026-03-02 14:30 停水', '时间：2026-3-2 8:00', '20260302起施工', '2026.3.1-2026.3.5停电', '工程款3500000元', '面积1234567平方米', '工单GZ-20260302-000123已办结']) {
      expect(redactPersonalText(text)).toBe(text);
    }
  });

  test('long texts take linear time (no backtracking blow-up)', () => {
    const started = Date.now();
    for (const text of ['a'.repeat(20_000), '123456x'.repeat(1430), `${'1 '.repeat(5000)}`, '一二三四五六'.repeat(1500)]) redactPersonalText(text);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('the screen masks are unchanged', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskName('张三')).toBe('张*');
  });
});

describe('redactPerson', () => {
  test('the caller is left out wherever they occur, even without a cue, then everything else', () => {
    const caller = { citizenName: '林小红', citizenPhone: '13987654321', citizenAddress: '天河区龙口西路88号' };
    expect(redactPerson('需约林小红到天河区龙口西路88号核实，回电139-8765-4321或020-8888-6666', caller)).toBe('需约林**到天河区龙口****核实，回电***或***');
    expect(redactPerson('路灯不亮', caller)).toBe('路灯不亮');
    expect(redactPerson('回电13987654321', null)).toBe('回电***');
    // however the caller's own number is written: full-width, dotted, a landline without its area code
    expect(redactPerson('回电１３９８７６５４３２１次日联系，或139.8765.4321', caller)).toBe('回电***次日联系，或***');
    expect(redactPerson('请回电20110512', { citizenPhone: '020-20110512' })).toBe('请回电***');
    // the address without the divisions it begins with, as callers say it
    const registered = { citizenAddress: '广东省广州市天河区体育西路103号' };
    expect(redactPerson('住体育西路103号，楼下噪音', registered)).toBe('住体育西路****，楼下噪音');
    expect(redactPerson('住天河区体育西路103号', registered)).toBe('住天河区体育****');
    expect(redactPerson('体育西路有噪音', registered)).toBe('体育西路有噪音'); // the street alone is not the caller's address
    // nor, registered without a number, is the street or the sub-district it ends with
    expect(redactPerson('体育西路有噪音', { citizenAddress: '广州市天河区体育西路' })).toBe('体育西路有噪音');
    expect(redactPerson('石牌街道办事处已派人处理', { citizenAddress: '广州市天河区石牌街道' })).toBe('石牌街道办事处已派人处理');
    expect(redactPerson('广州市天河区有噪音', { citizenAddress: '广州市天河区' })).toBe('广州市****有噪音');
    // a name that begins a place's name stays there
    expect(redactPerson('高新区路灯不亮，我是高新', { citizenName: '高新' })).toBe('高新区路灯不亮，我是高*');
  });
});
