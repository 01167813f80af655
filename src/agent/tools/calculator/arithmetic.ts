/**
 * A small, safe arithmetic evaluator: numbers, + - * / % ^, unary minus, parentheses, and `x`/`×`/`÷`
 * as people type them ("4x4"). No names, no calls: nothing but arithmetic can be expressed.
 */
export class ArithmeticError extends Error {}

type Token = { kind: 'num'; value: number } | { kind: 'op'; value: string };

const NORMALISE: Array<[RegExp, string]> = [
  [/(\d)\s*[x×]\s*(?=[\d(.-])/gi, '$1*'],
  [/÷/g, '/'],
  [/\*\*/g, '^'],
  [/\btimes\b/gi, '*'],
  [/\bplus\b/gi, '+'],
  [/\bminus\b/gi, '-'],
  [/\bdivided by\b/gi, '/'],
];

export function normaliseExpression(text: string): string {
  return NORMALISE.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text).trim();
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?|\.\d+)|([-+*/%^()]))/y;
  let index = 0;
  while (index < source.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(source);
    if (!match) {
      if (source.slice(index).trim() === '') break;
      throw new ArithmeticError(`Unexpected "${source.slice(index).trim()[0]}" in the expression`);
    }
    tokens.push(match[1] !== undefined ? { kind: 'num', value: Number(match[1]) } : { kind: 'op', value: match[2]! });
    index = pattern.lastIndex;
  }
  return tokens;
}

export function evaluate(expression: string): number {
  const tokens = tokenize(normaliseExpression(expression));
  if (tokens.length === 0) throw new ArithmeticError('The expression is empty');
  let position = 0;
  const peek = () => tokens[position];
  const take = (op: string) => {
    const token = peek();
    if (token?.kind === 'op' && token.value === op) {
      position += 1;
      return true;
    }
    return false;
  };

  // sum := product (('+'|'-') product)* ; product := power (('*'|'/'|'%') power)* ; power := unary ('^' power)?
  const sum = (): number => {
    let value = product();
    for (;;) {
      if (take('+')) value += product();
      else if (take('-')) value -= product();
      else return value;
    }
  };
  const product = (): number => {
    let value = power();
    for (;;) {
      if (take('*')) value *= power();
      else if (take('/')) {
        const divisor = power();
        if (divisor === 0) throw new ArithmeticError('Division by zero');
        value /= divisor;
      } else if (take('%')) value %= power();
      else return value;
    }
  };
  const power = (): number => {
    const base = unary();
    return take('^') ? base ** power() : base;
  };
  const unary = (): number => {
    if (take('-')) return -unary();
    if (take('+')) return unary();
    return primary();
  };
  const primary = (): number => {
    const token = peek();
    if (token?.kind === 'num') {
      position += 1;
      return token.value;
    }
    if (take('(')) {
      const value = sum();
      if (!take(')')) throw new ArithmeticError('A closing parenthesis is missing');
      return value;
    }
    throw new ArithmeticError(token ? `Unexpected "${token.value}"` : 'The expression ends too early');
  };

  const result = sum();
  if (position < tokens.length) throw new ArithmeticError(`Unexpected "${String(tokens[position]!.value)}"`);
  if (!Number.isFinite(result)) throw new ArithmeticError('The result is not a finite number');
  return result;
}

/** The arithmetic expression inside a question ("what is 12 * 7?" → "12 * 7"), or null. */
export function findExpression(text: string): string | null {
  const candidate = normaliseExpression(text.replace(/^\s*(what\s+is|what's|calculate|compute|how\s+much\s+is)\s+/i, '')).replace(/[?=!.]+\s*$/, '');
  if (!/\d/.test(candidate) || !/[-+*/%^]/.test(candidate.replace(/^\s*-/, ''))) return null;
  try {
    evaluate(candidate);
    return candidate;
  } catch {
    return null;
  }
}

/** Renders a result without float noise: 0.1 + 0.2 → 0.3. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}
