import { describe, expect, it } from 'vitest';
import { ArithmeticError, evaluate, findExpression, formatNumber } from './arithmetic';

describe('arithmetic', () => {
  it.each([
    ['4x4', 16],
    ['4 x 4', 16],
    ['12 * 7', 84],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['2 ^ 3 ^ 2', 512],
    ['-3 + 5', 2],
    ['10 / 4', 2.5],
    ['7 % 3', 1],
    ['6 ÷ 3', 2],
    ['3 times 5', 15],
    ['.5 * 4', 2],
  ])('%s = %d', (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it.each(['', '2 +', '(1 + 2', 'process.exit()', '2 ** ** 2', '1 / 0', '9 ^ 999'])('refuses %j', (expression) => {
    expect(() => evaluate(expression)).toThrow(ArithmeticError);
  });

  it('finds the expression in a question, and nothing in prose', () => {
    expect(findExpression('what is 12 * 7?')).toBe('12 * 7');
    expect(findExpression('4x4')).toBe('4*4');
    expect(findExpression('Calculate (1+2)*3')).toBe('(1+2)*3');
    expect(findExpression('get all contacts')).toBeNull();
    expect(findExpression('I have 3 cats')).toBeNull();
    expect(findExpression('-5')).toBeNull();
  });

  it('formats results without float noise', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(16)).toBe('16');
  });
});
